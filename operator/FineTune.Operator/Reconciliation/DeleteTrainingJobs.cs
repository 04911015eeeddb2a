using k8s.Models;

namespace FineTune.Operator.Reconciliation;

/// <summary>Delete Jobs with their pods (propagationPolicy Background).</summary>
public sealed record DeleteTrainingJobs(IReadOnlyList<string> JobNames) : ChildAction;
