namespace FineTune.Operator.Reconciliation;

/// <summary>
/// Delete Jobs with their pods: propagationPolicy Background, or Foreground when <paramref name="WaitForPods"/> (the
/// Job then stays, with a deletion timestamp, until its pods have stopped, so a successor never starts beside a
/// trainer still writing its checkpoint).
/// </summary>
public sealed record DeleteTrainingJobs(IReadOnlyList<string> JobNames, bool WaitForPods = false) : ChildAction;
