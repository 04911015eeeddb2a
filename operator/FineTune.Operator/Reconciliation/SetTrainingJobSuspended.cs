using k8s.Models;

namespace FineTune.Operator.Reconciliation;

/// <summary>Set spec.suspend of a stage's Job: true stops its pods (SIGTERM, the trainer checkpoints), false starts them again.</summary>
public sealed record SetTrainingJobSuspended(string JobName, bool Suspend) : ChildAction;
