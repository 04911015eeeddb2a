using System.Text.Json;
using System.Text.Json.Nodes;
using FineTune.Trainer.Training;

namespace FineTune.Trainer.Cli.Progress;

/// <summary>
/// Progress as one JSON object per line (when the output is not a terminal: pods, CI, pipes), e.g.
/// <c>{"event":"step","step":10,"total_steps":100,"loss":2.31,"lr":0.0002,"grad_norm":0.8,"tokens_per_s":3400,"eta_s":52}</c>.
/// Events: step, eval, checkpoint, message.
/// </summary>
public sealed class JsonLinesObserver(TextWriter output, int everySteps = 1) : ITrainingObserver
{
    /// <inheritdoc />
    public void OnStep(StepReport r)
    {
        if (r.Step % Math.Max(1, everySteps) != 0 && r.Step != r.TotalSteps) return;
        Write(new JsonObject
        {
            ["event"] = "step", ["step"] = r.Step, ["total_steps"] = r.TotalSteps, ["epoch"] = r.Epoch,
            ["loss"] = Round(r.Loss), ["lr"] = r.LearningRate, ["grad_norm"] = Round(r.GradNorm),
            ["tokens"] = r.Tokens, ["tokens_per_s"] = Math.Round(r.TokensPerSecond, 1), ["eta_s"] = Math.Round(r.EtaSeconds, 1),
        });
    }

    /// <inheritdoc />
    public void OnEvaluation(long step, EvaluationMetrics metrics, bool improved)
    {
        var line = JsonSerializer.SerializeToNode(metrics)!.AsObject();
        line.Insert(0, "event", "eval");
        line.Insert(1, "step", step);
        line["improved"] = improved;
        Write(line);
    }

    /// <inheritdoc />
    public void OnCheckpoint(long step, string location) =>
        Write(new JsonObject { ["event"] = "checkpoint", ["step"] = step, ["location"] = location });

    /// <inheritdoc />
    public void OnMessage(string message) => Write(new JsonObject { ["event"] = "message", ["message"] = message });

    private void Write(JsonObject line)
    {
        output.WriteLine(line.ToJsonString());
        output.Flush();
    }

    private static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 6) : value;
}
