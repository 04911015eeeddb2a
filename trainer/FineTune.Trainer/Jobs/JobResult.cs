using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FineTune.Trainer.Training;

namespace FineTune.Trainer.Jobs;

/// <summary>What a stage produced, written as metrics.json in the stage directory.</summary>
public sealed record JobResult
{
    /// <summary>Run id.</summary>
    [JsonPropertyName("runId")] public required string RunId { get; init; }

    /// <summary>Stage name.</summary>
    [JsonPropertyName("stage")] public required string Stage { get; init; }

    /// <summary>Method name.</summary>
    [JsonPropertyName("method")] public required string Method { get; init; }

    /// <summary>Steps completed.</summary>
    [JsonPropertyName("steps")] public required long Steps { get; init; }

    /// <summary>Loss of the last training step.</summary>
    [JsonPropertyName("loss")] public double? Loss { get; init; }

    /// <summary>Validation metrics of the exported weights (the best checkpoint when evaluated).</summary>
    [JsonPropertyName("eval")] public EvaluationMetrics? Evaluation { get; init; }

    /// <summary>Step whose weights were exported.</summary>
    [JsonPropertyName("exportedStep")] public long ExportedStep { get; init; }

    /// <summary>The run stopped early.</summary>
    [JsonPropertyName("stoppedEarly")] public bool StoppedEarly { get; init; }

    /// <summary>The run was interrupted (a checkpoint was written; no export).</summary>
    [JsonPropertyName("interrupted")] public bool Interrupted { get; init; }

    /// <summary>Exported artifact folders by kind ("merged", "adapter").</summary>
    [JsonPropertyName("outputs")] public Dictionary<string, string> Outputs { get; init; } = [];

    /// <summary>
    /// A method's own figures, written as top-level blocks of metrics.json ("rlhf", "upft"). Part of the result, so
    /// every writer of metrics.json (the local run and the upload of an s3:// output) keeps them. Keyed by block
    /// name; each value is a <see cref="JsonObject"/>.
    /// </summary>
    [JsonExtensionData] public Dictionary<string, object>? MethodBlocks { get; init; }
}
