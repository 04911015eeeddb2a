using k8s.Models;

namespace FineTune.Operator.Reconciliation;

/// <summary>Create the batch/v1 Job of a stage (an existing Job of that name is left as it is).</summary>
public sealed record CreateTrainingJob(V1Job Job) : ChildAction;
