using FineTune.Trainer.Telemetry;
using FineTune.Trainer.Tests.Training;
using FineTune.Trainer.Training;

namespace FineTune.Trainer.Tests.Rlhf;

/// <summary>
/// Records what a stage reports (see <see cref="RecordingObserver"/>) and, like a SIGTERM arriving during that step,
/// cancels <see cref="Token"/> when the step report of <paramref name="interruptAtStep"/> comes in (null: never).
/// </summary>
internal sealed class InterruptingObserver(long? interruptAtStep = null) : ITrainingObserver, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    public RecordingObserver Recorded { get; } = new();

    public List<(long Step, RlhfStepMetrics Metrics)> Rlhf { get; } = [];

    public CancellationToken Token => _stop.Token;

    public void OnStart(RunShape shape) => Recorded.OnStart(shape);

    public void OnStep(StepReport report)
    {
        Recorded.OnStep(report);
        if (report.Step == interruptAtStep) _stop.Cancel();
    }

    public void OnEvaluation(long step, EvaluationMetrics metrics, bool improved) => Recorded.OnEvaluation(step, metrics, improved);

    public void OnCheckpoint(CheckpointReport report) => Recorded.OnCheckpoint(report);

    public void OnCheckpoint(long step, string location) => Recorded.OnCheckpoint(step, location);

    public void OnMessage(string message) => Recorded.OnMessage(message);

    public void OnRlhf(long step, RlhfStepMetrics metrics) => Rlhf.Add((step, metrics));

    public void Dispose() => _stop.Dispose();
}
