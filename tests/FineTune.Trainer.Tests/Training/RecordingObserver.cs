using FineTune.Trainer.Training;
using TorchSharp;

namespace FineTune.Trainer.Tests.Training;

/// <summary>Keeps what the loop reported, in order, and the live tensor count after every step.</summary>
internal sealed class RecordingObserver : ITrainingObserver
{
    public List<RunShape> Starts { get; } = [];
    public List<StepReport> Steps { get; } = [];
    public List<long> LiveTensorsAfterStep { get; } = [];
    public List<(long Step, MethodStepMetrics Metrics)> MethodMetrics { get; } = [];
    public List<(long Step, EvaluationMetrics Metrics, bool Improved)> Evaluations { get; } = [];
    public List<(long Step, string Location)> Checkpoints { get; } = [];
    public List<CheckpointReport> CheckpointReports { get; } = [];
    public List<string> Messages { get; } = [];

    /// <summary>The kind of every report in arrival order ("start", "step", "method", "eval", "checkpoint", "message").</summary>
    public List<string> Order { get; } = [];

    public void OnStart(RunShape shape)
    {
        Order.Add("start");
        Starts.Add(shape);
    }

    public void OnStep(StepReport report)
    {
        Order.Add("step");
        Steps.Add(report);
        LiveTensorsAfterStep.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    public void OnMethodMetrics(long step, MethodStepMetrics metrics)
    {
        Order.Add("method");
        MethodMetrics.Add((step, metrics));
    }

    public void OnEvaluation(long step, EvaluationMetrics metrics, bool improved)
    {
        Order.Add("eval");
        Evaluations.Add((step, metrics, improved));
    }

    public void OnCheckpoint(CheckpointReport report)
    {
        CheckpointReports.Add(report);
        OnCheckpoint(report.Step, report.Location);
    }

    public void OnCheckpoint(long step, string location)
    {
        Order.Add("checkpoint");
        Checkpoints.Add((step, location));
    }

    public void OnMessage(string message)
    {
        Order.Add("message");
        Messages.Add(message);
    }
}
