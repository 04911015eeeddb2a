using System.Text.Json.Nodes;
using FineTune.Api.V1Alpha1;
using k8s;

namespace FineTune.Operator.Status;

/// <summary>
/// The JSON merge patch of the status fields the operator owns. It is raw JSON with explicit nulls, so a field the
/// operator clears is removed (a typed patch would omit nulls and leave it). progress and lastCheckpoint belong to the
/// trainer: they appear only as nulls when a new run clears them.
/// </summary>
public static class StatusPatch
{
    /// <summary>The status fields the operator writes, in a fixed order.</summary>
    public static readonly IReadOnlyList<string> OwnedFields =
    [
        "observedGeneration", "phase", "runId", "specHash", "conditions", "currentStage", "stages",
        "outputs", "queue", "startTime", "completionTime", "history",
    ];

    /// <summary>The owned fields of <paramref name="status"/> as a JSON object, nulls included.</summary>
    public static JsonObject OwnedJson(FineTuneJobStatus? status)
    {
        var all = status is null ? new JsonObject() : JsonNode.Parse(KubernetesJson.Serialize(status))!.AsObject();
        var owned = new JsonObject();
        foreach (var field in OwnedFields)
            owned[field] = all[field]?.DeepClone();
        return owned;
    }

    /// <summary>True when the operator-owned fields of the two statuses differ.</summary>
    public static bool Differs(FineTuneJobStatus? current, FineTuneJobStatus desired)
        => !JsonNode.DeepEquals(OwnedJson(current), OwnedJson(desired));

    /// <summary><c>{"status": {...owned fields...}}</c>; with <paramref name="clearTrainerFields"/> also nulls progress and lastCheckpoint.</summary>
    public static string Build(FineTuneJobStatus desired, bool clearTrainerFields)
    {
        var owned = OwnedJson(desired);
        if (clearTrainerFields)
        {
            owned["progress"] = null;
            owned["lastCheckpoint"] = null;
        }
        return new JsonObject { ["status"] = owned }.ToJsonString();
    }
}
