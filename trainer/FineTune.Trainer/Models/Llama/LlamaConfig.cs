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
        "architectures", "model_type", "vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
        "num_attention_heads", "num_key_value_heads", "head_dim", "max_position_embeddings", "rms_norm_eps",
        "rope_theta", "tie_word_embeddings", "attention_bias", "mlp_bias", "attention_dropout", "initializer_range",
        "bos_token_id", "eos_token_id", "pad_token_id", "hidden_act", "rope_scaling",
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
        var config = new LlamaConfig
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
            InitializerRange = c.Double("initializer_range", 0.02),
            BosTokenId = c.OptionalInt("bos_token_id"),
            EosTokenId = c.OptionalInt("eos_token_id"),
            PadTokenId = c.OptionalInt("pad_token_id"),
            Extra = ExtraFields.Without(json, Known),
        };
        config.Validate(source);
        return config;
    }

    /// <inheritdoc />
    public override void Validate(string source)
    {
        Positive(source, VocabSize, "vocab_size");
        Positive(source, HiddenSize, "hidden_size");
        Positive(source, IntermediateSize, "intermediate_size");
        Positive(source, NumLayers, "num_hidden_layers");
        Positive(source, NumHeads, "num_attention_heads");
        Positive(source, NumKeyValueHeads, "num_key_value_heads");
        Positive(source, MaxPositions, "max_position_embeddings");
        if (ExplicitHeadDim is null && HiddenSize % NumHeads != 0)
            throw new ModelFormatException(
                $"{source}: hidden_size {HiddenSize} is not divisible by num_attention_heads {NumHeads}.");
        if (NumHeads % NumKeyValueHeads != 0)
            throw new ModelFormatException(
                $"{source}: num_attention_heads {NumHeads} is not a multiple of num_key_value_heads {NumKeyValueHeads}.");
        if (HeadDim % 2 != 0)
            throw new ModelFormatException($"{source}: head dimension {HeadDim} must be even for rotary embeddings.");
    }

    /// <inheritdoc />
    protected override void WriteArchitectureFields(JsonObject json)
    {
        json["vocab_size"] = VocabSize;
        json["hidden_size"] = HiddenSize;
        json["intermediate_size"] = IntermediateSize;
        json["num_hidden_layers"] = NumLayers;
        json["num_attention_heads"] = NumHeads;
        json["num_key_value_heads"] = NumKeyValueHeads;
        if (ExplicitHeadDim is { } hd) json["head_dim"] = hd;
        json["max_position_embeddings"] = MaxPositions;
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
