namespace FineTune.Trainer.Training;

/// <summary>What the loop reports while it runs: the CLI draws a progress bar or writes JSON lines from these.</summary>
public interface ITrainingObserver
{
    /// <summary>After every optimizer step.</summary>
    void OnStep(StepReport report);

    /// <summary>After every evaluation.</summary>
    void OnEvaluation(long step, EvaluationMetrics metrics, bool improved);

    /// <summary>After a checkpoint was committed.</summary>
    void OnCheckpoint(long step, string location);

    /// <summary>A one-line note (resume, early stop, warnings).</summary>
    void OnMessage(string message);

    /// <summary>After an rlhf step that computed alignment metrics (reward, KL, ...); methods without them never call it.</summary>
    void OnRlhf(long step, Telemetry.RlhfStepMetrics metrics)
    {
    }
}
