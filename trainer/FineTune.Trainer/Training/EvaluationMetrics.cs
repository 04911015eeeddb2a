using System.Text.Json.Serialization;

namespace FineTune.Trainer.Training;

/// <summary>
/// Validation metrics: mean loss per target token (per example for classification), its perplexity, the number of
/// targets, and for classification accuracy and macro-averaged F1.
/// </summary>
public sealed record EvaluationMetrics
{
    /// <summary>Mean cross-entropy.</summary>
    [JsonPropertyName("loss")] public required double Loss { get; init; }

    /// <summary>exp(loss).</summary>
    [JsonPropertyName("perplexity")] public required double Perplexity { get; init; }

    /// <summary>Number of target tokens (or examples) the loss averages over.</summary>
    [JsonPropertyName("tokens")] public required long Tokens { get; init; }

    /// <summary>Number of examples evaluated.</summary>
    [JsonPropertyName("examples")] public required int Examples { get; init; }

    /// <summary>Share of examples whose arg-max class is the label (classification).</summary>
    [JsonPropertyName("accuracy")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Accuracy { get; init; }

    /// <summary>Unweighted mean over classes of F1 (classification).</summary>
    [JsonPropertyName("macro_f1")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? MacroF1 { get; init; }
}
