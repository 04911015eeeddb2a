using k8s.Models;

namespace FineTune.Operator.Reconciliation;

/// <summary>The per-run and per-job children a stage Job needs: the run's ConfigMap and the trainer's ServiceAccount, Role and RoleBinding (created when absent).</summary>
public sealed record EnsureRunResources(V1ConfigMap ConfigMap, V1ServiceAccount ServiceAccount, V1Role Role, V1RoleBinding RoleBinding) : ChildAction;
