using FineTune.Trainer.Telemetry;
using FineTune.Trainer.Training;

namespace FineTune.Trainer.Rlhf;

/// <summary>
/// Passes the loop's reports on and, after each step, the DPO batch's KL estimate as an rlhf metric (the loop itself
/// knows nothing of DPO).
/// </summary>
public sealed class DpoStatisticsObserver(DpoObjective objective, ITrainingObserver inner) : ITrainingObserver
{
    /// <inheritdoc />
    public void OnStep(StepReport report)
    {
        inner.OnStep(report);
        if (objective.Last is { } last) inner.OnRlhf(report.Step, new RlhfStepMetrics(KlDivergence: last.Kl));
    }

    /// <inheritdoc />
    public void OnEvaluation(long step, EvaluationMetrics metrics, bool improved) => inner.OnEvaluation(step, metrics, improved);

    /// <inheritdoc />
    public void OnCheckpoint(long step, string location) => inner.OnCheckpoint(step, location);

    /// <inheritdoc />
    public void OnMessage(string message) => inner.OnMessage(message);

    /// <inheritdoc />
    public void OnRlhf(long step, RlhfStepMetrics metrics) => inner.OnRlhf(step, metrics);
}
