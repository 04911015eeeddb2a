namespace FineTune.Trainer.Jobs;

/// <summary>The job cannot run as written (a path, stage or option that does not fit); a retry cannot help.</summary>
public sealed class JobInputException(string message) : Exception(message);
