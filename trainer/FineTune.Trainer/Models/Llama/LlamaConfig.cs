using System.Text.Json.Nodes;

namespace FineTune.Trainer.Models.Llama;

/// <summary>
/// Llama-family hyperparameters: model_type "llama", "mistral" or "qwen2" (grouped-query attention, RoPE, RMSNorm,
/// SwiGLU). The variants differ only in which projections carry a bias and in their defaults.
/// </summary>
public sealed record LlamaConfig : ModelConfig
{
    /// <summary>The model types this record reads.</summary>
    public static readonly IReadOnlyList<string> Variants = new[] { "llama", "mistral", "qwen2" };

    /// <summary>"llama", "mistral" or "qwen2".</summary>
    public required string Variant { get; init; }

    /// <inheritdoc />
    public override string ModelType => Variant;

    /// <inheritdoc />
    public override string ArchitectureName => Variant switch
    {
        "mistral" => "MistralForCausalLM",
        "qwen2" => "Qwen2ForCausalLM",
        _ => "LlamaForCausalLM",
    };

    /// <summary>SwiGLU width (intermediate_size).</summary>
    public required int IntermediateSize { get; init; }

    /// <summary>Key/value heads (num_key_value_heads); fewer than query heads means grouped-query attention.</summary>
    public required int NumKeyValueHeads { get; init; }

    /// <summary>Explicit head width (head_dim) when it is not hidden_size / heads.</summary>
    public int? ExplicitHeadDim { get; init; }

    /// <summary>RMSNorm epsilon (rms_norm_eps).</summary>
    public double RmsNormEpsilon { get; init; } = 1e-6;

    /// <summary>RoPE base (rope_theta).</summary>
    public double RopeTheta { get; init; } = 10000.0;

    /// <summary>Whether the output head shares the token embedding matrix (tie_word_embeddings).</summary>
    public bool TieWordEmbeddings { get; init; }

    /// <summary>Bias on q/k/v/o projections (llama attention_bias; qwen2 always has q/k/v bias and no o bias).</summary>
    public bool AttentionBias { get; init; }

    /// <summary>Bias on the MLP projections (mlp_bias).</summary>
    public bool MlpBias { get; init; }

    /// <summary>Dropout on attention probabilities (attention_dropout).</summary>
    public double AttentionDropout { get; init; }

    /// <inheritdoc />
    public override int HeadDim => ExplicitHeadDim ?? HiddenSize / NumHeads;

    /// <summary>True when q/k/v projections have a bias.</summary>
    public bool QkvBias => Variant == "qwen2" || AttentionBias;

    /// <summary>True when the output projection has a bias.</summary>
    public bool OutputBias => Variant != "qwen2" && AttentionBias;

    private static readonly string[] Known =
    {
        "vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
        "head_dim", "max_position_embeddings", "rms_norm_eps", "rope_theta", "tie_word_embeddings", "attention_bias",
        "mlp_bias", "attention_dropout", "hidden_act", "rope_scaling",
    };

    /// <summary>Reads a llama/mistral/qwen2 config.json object; <paramref name="source"/> names the file in errors.</summary>
    public static LlamaConfig FromJson(JsonObject json, string variant, string source)
    {
        var c = new ConfigJson(json, source);
        var act = c.String("hidden_act", "silu");
        if (act != "silu") throw c.Invalid("hidden_act", json["hidden_act"], "\"silu\"");
        if (json["rope_scaling"] is JsonObject scaling)
        {
            var kind = scaling["rope_type"] ?? scaling["type"];
            if (kind?.GetValue<string>() is not (null or "default"))
                throw c.Invalid("rope_scaling", scaling, "null or {\"rope_type\": \"default\"} (scaled RoPE is not supported)");
        }
        int heads = c.Int("num_attention_heads");
        return Complete(new LlamaConfig
        {
            Variant = variant,
            VocabSize = c.Int("vocab_size"),
            HiddenSize = c.Int("hidden_size"),
            IntermediateSize = c.Int("intermediate_size"),
            NumLayers = c.Int("num_hidden_layers"),
            NumHeads = heads,
            NumKeyValueHeads = c.Int("num_key_value_heads", heads),
            ExplicitHeadDim = c.OptionalInt("head_dim"),
            MaxPositions = c.Int("max_position_embeddings", 2048),
            RmsNormEpsilon = c.Double("rms_norm_eps", 1e-6),
            RopeTheta = c.Double("rope_theta", 10000.0),
            TieWordEmbeddings = c.Bool("tie_word_embeddings", false),
            AttentionBias = c.Bool("attention_bias", false),
            MlpBias = c.Bool("mlp_bias", false),
            AttentionDropout = c.Double("attention_dropout", 0.0),
        }, c, json, Known, source);
    }

    /// <inheritdoc />
    protected override bool HeadsSplitHiddenSize => ExplicitHeadDim is null;

    /// <inheritdoc />
    public override void Validate(string source)
    {
        base.Validate(source);
        Positive(source, IntermediateSize, "intermediate_size");
        Positive(source, NumKeyValueHeads, "num_key_value_heads");
        if (NumHeads % NumKeyValueHeads != 0)
            throw new ModelFormatException(
                $"{source}: num_attention_heads {NumHeads} is not a multiple of num_key_value_heads {NumKeyValueHeads}.");
        if (HeadDim % 2 != 0)
            throw new ModelFormatException($"{source}: head dimension {HeadDim} must be even for rotary embeddings.");
    }

    /// <inheritdoc />
    protected override void WriteArchitectureFields(JsonObject json)
    {
        WriteStandardSizes(json);
        json["intermediate_size"] = IntermediateSize;
        json["num_key_value_heads"] = NumKeyValueHeads;
        if (ExplicitHeadDim is { } hd) json["head_dim"] = hd;
        json["rms_norm_eps"] = RmsNormEpsilon;
        json["rope_theta"] = RopeTheta;
        json["tie_word_embeddings"] = TieWordEmbeddings;
        json["hidden_act"] = "silu";
        json["attention_dropout"] = AttentionDropout;
        if (Variant == "llama")
        {
            json["attention_bias"] = AttentionBias;
            json["mlp_bias"] = MlpBias;
        }
    }
}
