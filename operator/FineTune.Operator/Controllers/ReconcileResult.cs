namespace FineTune.Operator.Controllers;

/// <summary>The outcome of a successful reconcile: when to look at the job again without an event (null: only on events).</summary>
public sealed record ReconcileResult(TimeSpan? RequeueAfter)
{
    /// <summary>Nothing more to do until something changes.</summary>
    public static ReconcileResult Done { get; } = new((TimeSpan?)null);
}
