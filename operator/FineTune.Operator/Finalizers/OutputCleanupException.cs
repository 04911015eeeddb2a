namespace FineTune.Operator.Finalizers;

/// <summary>
/// Outputs could not be deleted; the message names the prefix, the endpoint or the Secret and what went wrong, and
/// never a credential. The finalizer stays and the deletion is retried with backoff.
/// </summary>
public sealed class OutputCleanupException(string message, Exception? inner = null) : Exception(message, inner);
