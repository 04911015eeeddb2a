namespace FineTune.Trainer.Training;

/// <summary>Passes every report to several observers in order (the display, the metrics, the status publisher).</summary>
public sealed class CompositeTrainingObserver(params IReadOnlyList<ITrainingObserver> observers) : ITrainingObserver
{
    /// <inheritdoc />
    public void OnStart(RunShape shape)
    {
        foreach (var observer in observers) observer.OnStart(shape);
    }

    /// <inheritdoc />
    public void OnStep(StepReport report)
    {
        foreach (var observer in observers) observer.OnStep(report);
    }

    /// <inheritdoc />
    public void OnMethodMetrics(long step, MethodStepMetrics metrics)
    {
        foreach (var observer in observers) observer.OnMethodMetrics(step, metrics);
    }

    /// <inheritdoc />
    public void OnEvaluation(long step, EvaluationMetrics metrics, bool improved)
    {
        foreach (var observer in observers) observer.OnEvaluation(step, metrics, improved);
    }

    /// <inheritdoc />
    public void OnCheckpoint(CheckpointReport report)
    {
        foreach (var observer in observers) observer.OnCheckpoint(report);
    }

    /// <inheritdoc />
    public void OnCheckpoint(long step, string location)
    {
        foreach (var observer in observers) observer.OnCheckpoint(step, location);
    }

    /// <inheritdoc />
    public void OnMessage(string message)
    {
        foreach (var observer in observers) observer.OnMessage(message);
    }

    /// <inheritdoc />
    public void OnRlhf(long step, Telemetry.RlhfStepMetrics metrics)
    {
        foreach (var observer in observers) observer.OnRlhf(step, metrics);
    }
}
