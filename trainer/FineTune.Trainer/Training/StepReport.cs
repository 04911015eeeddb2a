namespace FineTune.Trainer.Training;

/// <summary>One optimizer step as reported to observers.</summary>
/// <param name="Step">Steps completed (1-based).</param>
/// <param name="TotalSteps">Steps planned.</param>
/// <param name="Loss">Mean training loss of the step.</param>
/// <param name="LearningRate">Learning rate the step used.</param>
/// <param name="GradNorm">Global gradient norm before clipping.</param>
/// <param name="Tokens">Real (non-padding) tokens the step processed.</param>
/// <param name="TokensPerSecond">Throughput since this process started training.</param>
/// <param name="EtaSeconds">Estimated seconds to the last step.</param>
/// <param name="Epoch">Epoch of the data (0-based).</param>
/// <param name="Samples">Rows (sequences, or preference pairs) the step processed over all its micro-batches.</param>
/// <param name="EpochProgress">Fractional epochs done (1.5 = half way through the second epoch); null when unknown.</param>
public sealed record StepReport(long Step, long TotalSteps, double Loss, double LearningRate, double GradNorm, long Tokens,
    double TokensPerSecond, double EtaSeconds, int Epoch, long Samples = 0, double? EpochProgress = null);
