namespace FineTune.Operator.Controllers;

/// <summary>
/// A reconcile could not finish for a reason already reported on the job (a condition and an event), e.g. a missing
/// Secret or a rejected Job. The work queue retries it with backoff; it is logged without a stack trace.
/// </summary>
public sealed class ReconcileRetryException(string message, string kind) : Exception(message)
{
    /// <summary>Error kind for the metrics (dependency, forbidden, invalid).</summary>
    public string Kind { get; } = kind;
}
