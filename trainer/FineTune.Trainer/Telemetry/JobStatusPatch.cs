using System.Globalization;
using System.Text.Json.Nodes;
using FineTune.Api.V1Alpha1;

namespace FineTune.Trainer.Telemetry;

/// <summary>
/// The JSON merge patch the trainer sends to its FineTuneJob's status: only status.progress and, once a checkpoint
/// exists, status.lastCheckpoint. Written by hand because a serialized typed object omits nulls, and a null here must
/// clear a stale value (evalLoss of an earlier stage, an ETA no longer known).
/// </summary>
public static class JobStatusPatch
{
    /// <summary>The patch body.</summary>
    public static string Build(ProgressStatus progress, CheckpointRef? checkpoint)
    {
        var status = new JsonObject
        {
            ["progress"] = new JsonObject
            {
                ["step"] = progress.Step,
                ["totalSteps"] = progress.TotalSteps,
                ["percent"] = progress.Percent,
                ["loss"] = Finite(progress.Loss),
                ["evalLoss"] = Finite(progress.EvalLoss),
                ["tokensPerSecond"] = Finite(progress.TokensPerSecond),
                ["etaSeconds"] = progress.EtaSeconds,
                ["updateTime"] = Time(progress.UpdateTime),
            },
        };
        if (checkpoint is not null)
            status["lastCheckpoint"] = new JsonObject
            {
                ["uri"] = checkpoint.Uri,
                ["step"] = checkpoint.Step,
                ["stage"] = checkpoint.Stage,
                ["time"] = Time(checkpoint.Time),
            };
        return new JsonObject { ["status"] = status }.ToJsonString();
    }

    // JSON has no NaN or infinity; a diverging loss is reported as unknown rather than breaking the patch.
    private static JsonNode? Finite(double? value) => value is { } v && double.IsFinite(v) ? JsonValue.Create(v) : null;

    // RFC 3339 in UTC with seconds, as Kubernetes writes its own timestamps.
    private static JsonNode? Time(DateTime? time) =>
        time is { } t ? JsonValue.Create(t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)) : null;
}
