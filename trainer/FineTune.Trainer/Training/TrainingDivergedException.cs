namespace FineTune.Trainer.Training;

/// <summary>
/// The loss (or the gradient norm) became NaN or infinite. The step's update was not applied, nothing after the last
/// committed checkpoint was written, and the run stops (trainer exit code 3).
/// </summary>
public sealed class TrainingDivergedException(long step, string quantity, double value, string? lastCheckpoint)
    : Exception($"training diverged at step {step}: the {quantity} is {value}; the run stopped without applying the step. " +
                (lastCheckpoint is null ? "No checkpoint had been written yet. " : $"The last good checkpoint is kept at {lastCheckpoint}. ") +
                "Lower hyperparameters.learningRate, set hyperparameters.maxGradNorm, or check the data.")
{
    /// <summary>The 1-based step whose loss or gradient was not finite.</summary>
    public long Step { get; } = step;

    /// <summary>The last committed checkpoint, if any.</summary>
    public string? LastCheckpoint { get; } = lastCheckpoint;
}
