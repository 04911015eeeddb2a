using FineTune.Trainer.Training;

namespace FineTune.Trainer.Telemetry;

/// <summary>Feeds the loop's reports into the Prometheus series of <see cref="TrainerMetrics"/>.</summary>
public sealed class MetricsObserver(TrainerMetrics metrics) : ITrainingObserver
{
    /// <inheritdoc />
    public void OnStep(StepReport report)
    {
        metrics.SetTotalSteps(report.TotalSteps);
        // The loop reports tokens, not samples, per step: the samples counter stays untouched rather than guessed.
        metrics.RecordStep(new TrainingStepMetrics(report.Step, report.Loss, report.LearningRate, report.GradNorm,
            report.TokensPerSecond, Samples: 0, report.Tokens, report.Epoch));
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
    public void OnCheckpoint(long step, string location)
    {
    }

    /// <inheritdoc />
    public void OnMessage(string message)
    {
    }

    /// <inheritdoc />
    public void OnRlhf(long step, RlhfStepMetrics rlhf) => metrics.RecordRlhf(rlhf);
}
