using FineTune.Trainer.Training;

namespace FineTune.Trainer.Tests.Jobs;

/// <summary>Runs an action after each training step (to interrupt a run or break its storage at a known point).</summary>
internal sealed class StepHook(Action<StepReport> afterStep) : ITrainingObserver
{
    public List<string> Messages { get; } = [];

    public List<long> Checkpoints { get; } = [];

    public void OnStep(StepReport report) => afterStep(report);

    public void OnEvaluation(long step, EvaluationMetrics metrics, bool improved) { }

    public void OnCheckpoint(long step, string location) => Checkpoints.Add(step);

    public void OnMessage(string message) => Messages.Add(message);
}
