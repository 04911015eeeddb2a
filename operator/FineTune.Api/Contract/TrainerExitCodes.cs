namespace FineTune.Api.Contract;

/// <summary>
/// Exit codes of the trainer. The operator maps them to pod failure policy: invalid input is not retried, an
/// interrupted run resumes from the checkpoint it wrote.
/// </summary>
public static class TrainerExitCodes
{
    /// <summary>Finished; outputs written.</summary>
    public const int Success = 0;

    /// <summary>Failed for a reason a retry may fix (storage unreachable, out of memory, ...).</summary>
    public const int Failed = 1;

    /// <summary>The manifest, model or dataset is invalid; a retry cannot help.</summary>
    public const int InvalidInput = 2;

    /// <summary>The loss became NaN or infinite; the last good checkpoint is kept.</summary>
    public const int Diverged = 3;

    /// <summary>SIGTERM (eviction, preemption, suspend): a checkpoint was written within the grace budget.</summary>
    public const int Interrupted = 143;
}
