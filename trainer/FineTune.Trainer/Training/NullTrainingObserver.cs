namespace FineTune.Trainer.Training;

/// <summary>An observer that ignores everything (tests, library use).</summary>
public sealed class NullTrainingObserver : ITrainingObserver
{
    /// <summary>The shared instance.</summary>
    public static NullTrainingObserver Instance { get; } = new();

    /// <inheritdoc />
    public void OnStep(StepReport report) { }

    /// <inheritdoc />
    public void OnEvaluation(long step, EvaluationMetrics metrics, bool improved) { }

    /// <inheritdoc />
    public void OnCheckpoint(long step, string location) { }

    /// <inheritdoc />
    public void OnMessage(string message) { }
}
