using FineTune.Trainer.Training;

namespace FineTune.Trainer.Telemetry;

/// <summary>
/// Feeds the loop's reports into the Prometheus series of <see cref="TrainerMetrics"/>: every loop (the shared
/// <see cref="TrainingLoop"/> and the stage loops of multi-stage methods) reports through an observer, so every method
/// and stage feeds the same series.
/// </summary>
public sealed class MetricsObserver(TrainerMetrics metrics) : ITrainingObserver
{
    /// <inheritdoc />
    public void OnStart(RunShape shape)
    {
        metrics.SetRunShape(shape.TotalSteps, shape.TrainableParameters, shape.Parameters);
        metrics.SetStep(shape.ResumedFromStep);
    }

    /// <inheritdoc />
    public void OnStep(StepReport report)
    {
        metrics.SetTotalSteps(report.TotalSteps);
        metrics.RecordStep(new TrainingStepMetrics(report.Step, report.Loss, report.LearningRate, report.GradNorm,
            report.TokensPerSecond, report.Samples, report.Tokens, report.EpochProgress ?? report.Epoch));
    }

    /// <inheritdoc />
    public void OnMethodMetrics(long step, MethodStepMetrics method)
    {
        metrics.RecordRlhf(new RlhfStepMetrics(method.RewardMean, method.RewardModelAccuracy, method.KlDivergence,
            method.ClipFraction, method.ValueLoss));
        if (method.QuantizationError is { } error) metrics.SetQuantizationError(error);
    }

    /// <inheritdoc />
    public void OnEvaluation(long step, EvaluationMetrics evaluation, bool improved)
    {
        var named = new Dictionary<string, double> { ["perplexity"] = evaluation.Perplexity };
        if (evaluation.Accuracy is { } accuracy) named["accuracy"] = accuracy;
        if (evaluation.MacroF1 is { } f1) named["macro_f1"] = f1;
        metrics.RecordEvaluation(evaluation.Loss, named);
    }

    /// <inheritdoc />
    public void OnCheckpoint(CheckpointReport report) => metrics.RecordCheckpoint(report.Duration, report.Bytes);

    /// <inheritdoc />
    public void OnCheckpoint(long step, string location)
    {
        // Reached only from loops that report no duration or size: the count still moves, the size is not guessed.
    }

    /// <inheritdoc />
    public void OnMessage(string message)
    {
    }

    /// <inheritdoc />
    public void OnRlhf(long step, RlhfStepMetrics rlhf) => metrics.RecordRlhf(rlhf);
}
