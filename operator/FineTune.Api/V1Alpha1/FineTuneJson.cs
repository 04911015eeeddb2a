using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FineTune.Api.V1Alpha1;

/// <summary>
/// JSON settings matching the Kubernetes client's (camelCase names, nulls left out, enums by their manifest names),
/// for turning FineTuneJobs into manifests and back.
/// </summary>
public static class FineTuneJson
{
    /// <summary>The shared options.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };

    /// <summary>The job as a JSON tree.</summary>
    public static JsonObject ToNode(FineTuneJob job) => JsonSerializer.SerializeToNode(job, Options)!.AsObject();

    /// <summary>A job from a JSON tree that has passed validation.</summary>
    public static FineTuneJob FromNode(JsonNode node) =>
        node.Deserialize<FineTuneJob>(Options) ?? throw new JsonException("a FineTuneJob manifest cannot be null");
}
