namespace FineTune.Trainer.Telemetry;

/// <summary>What one optimizer step reports.</summary>
/// <param name="Step">Optimizer steps done so far.</param>
/// <param name="Loss">Training loss of the step.</param>
/// <param name="LearningRate">Learning rate used by the step.</param>
/// <param name="GradNorm">Gradient norm before clipping.</param>
/// <param name="TokensPerSecond">Training throughput over the recent steps.</param>
/// <param name="Samples">Samples consumed by this step.</param>
/// <param name="Tokens">Tokens consumed by this step.</param>
/// <param name="Epoch">Fractional epoch (1.5 = half way through the second epoch).</param>
public sealed record TrainingStepMetrics(long Step, double Loss, double LearningRate, double GradNorm,
    double TokensPerSecond, long Samples, long Tokens, double Epoch);
