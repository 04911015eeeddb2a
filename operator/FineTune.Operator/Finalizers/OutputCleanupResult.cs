namespace FineTune.Operator.Finalizers;

/// <summary>What an output deletion did, for the event recorded on the FineTuneJob.</summary>
/// <param name="Deleted">Prefixes whose objects or files were deleted (or that were already empty).</param>
/// <param name="Unreachable">Local prefixes the operator cannot see (not on its filesystem), left alone.</param>
/// <param name="ObjectCount">Objects or files deleted.</param>
public sealed record OutputCleanupResult(IReadOnlyList<string> Deleted, IReadOnlyList<string> Unreachable, int ObjectCount);
