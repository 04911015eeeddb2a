using FineTune.Trainer.Training;
using TorchSharp;

namespace FineTune.Trainer.Tests.Training;

/// <summary>Keeps what the loop reported, and the live tensor count after every step.</summary>
internal sealed class RecordingObserver : ITrainingObserver
{
    public List<StepReport> Steps { get; } = [];
    public List<long> LiveTensorsAfterStep { get; } = [];
    public List<(long Step, EvaluationMetrics Metrics, bool Improved)> Evaluations { get; } = [];
    public List<(long Step, string Location)> Checkpoints { get; } = [];
    public List<string> Messages { get; } = [];

    public void OnStep(StepReport report)
    {
        Steps.Add(report);
        LiveTensorsAfterStep.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    public void OnEvaluation(long step, EvaluationMetrics metrics, bool improved) => Evaluations.Add((step, metrics, improved));

    public void OnCheckpoint(long step, string location) => Checkpoints.Add((step, location));

    public void OnMessage(string message) => Messages.Add(message);
}
