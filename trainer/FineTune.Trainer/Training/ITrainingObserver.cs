namespace FineTune.Trainer.Training;

/// <summary>
/// What the loop reports while it runs: the CLI draws a progress bar or writes JSON lines from these, the metrics
/// observer feeds Prometheus, the status publisher patches the FineTuneJob. The members with a body are optional.
/// </summary>
public interface ITrainingObserver
{
    /// <summary>Once before the first step: total steps, resume point and parameter counts.</summary>
    void OnStart(RunShape shape)
    {
    }

    /// <summary>After every optimizer step.</summary>
    void OnStep(StepReport report);

    /// <summary>After a step, with the series the method or stage computed itself (RLHF, quantization).</summary>
    void OnMethodMetrics(long step, MethodStepMetrics metrics)
    {
    }

    /// <summary>After every evaluation.</summary>
    void OnEvaluation(long step, EvaluationMetrics metrics, bool improved);

    /// <summary>After a checkpoint was committed, with its duration and size (loops call this one).</summary>
    void OnCheckpoint(CheckpointReport report) => OnCheckpoint(report.Step, report.Location);

    /// <summary>After a checkpoint was committed (observers that need only where it is implement this one).</summary>
    void OnCheckpoint(long step, string location);

    /// <summary>A one-line note (resume, early stop, warnings).</summary>
    void OnMessage(string message);

    /// <summary>After an rlhf step that computed alignment metrics (reward, KL, ...); methods without them never call it.</summary>
    void OnRlhf(long step, Telemetry.RlhfStepMetrics metrics)
    {
    }
}
