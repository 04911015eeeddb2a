using System.Text.Json.Nodes;

namespace FineTune.Trainer.Models.Gpt2;

/// <summary>GPT-2 hyperparameters (Hugging Face model_type "gpt2": n_embd, n_layer, n_head, n_positions, ...).</summary>
public sealed record Gpt2Config : ModelConfig
{
    /// <inheritdoc />
    public override string ModelType => "gpt2";

    /// <inheritdoc />
    public override string ArchitectureName => "GPT2LMHeadModel";

    /// <summary>MLP width (n_inner); HF default 4 × n_embd.</summary>
    public int? InnerSize { get; init; }

    /// <summary>LayerNorm epsilon (layer_norm_epsilon).</summary>
    public double LayerNormEpsilon { get; init; } = 1e-5;

    /// <summary>Dropout after the residual branches (resid_pdrop).</summary>
    public double ResidualDropout { get; init; } = 0.1;

    /// <summary>Dropout on the summed embeddings (embd_pdrop).</summary>
    public double EmbeddingDropout { get; init; } = 0.1;

    /// <summary>Dropout on attention probabilities (attn_pdrop).</summary>
    public double AttentionDropout { get; init; } = 0.1;

    /// <summary>Resolved MLP width.</summary>
    public int MlpSize => InnerSize ?? 4 * HiddenSize;

    private static readonly string[] Known =
    {
        "vocab_size", "n_embd", "n_layer", "n_head", "n_positions", "n_ctx", "n_inner", "layer_norm_epsilon", "resid_pdrop",
        "embd_pdrop", "attn_pdrop", "activation_function", "tie_word_embeddings",
    };

    /// <summary>Reads a GPT-2 config.json object; <paramref name="source"/> names the file in errors.</summary>
    public static Gpt2Config FromJson(JsonObject json, string source)
    {
        var c = new ConfigJson(json, source);
        var activation = c.String("activation_function", "gelu_new");
        if (activation != "gelu_new")
            throw c.Invalid("activation_function", json["activation_function"], "\"gelu_new\"");
        if (c.Bool("scale_attn_by_inverse_layer_idx", false) || c.Bool("reorder_and_upcast_attn", false))
            throw new ModelFormatException(
                $"{source}: scale_attn_by_inverse_layer_idx and reorder_and_upcast_attn are not supported; expected false.");
        if (!c.Bool("tie_word_embeddings", true))
            throw c.Invalid("tie_word_embeddings", json["tie_word_embeddings"], "true (GPT-2 always ties its output head)");
        return Complete(new Gpt2Config
        {
            VocabSize = c.Int("vocab_size", 50257),
            HiddenSize = c.Int("n_embd", 768),
            NumLayers = c.Int("n_layer", 12),
            NumHeads = c.Int("n_head", 12),
            MaxPositions = c.Int("n_positions", 1024),
            InnerSize = c.OptionalInt("n_inner"),
            LayerNormEpsilon = c.Double("layer_norm_epsilon", 1e-5),
            ResidualDropout = c.Double("resid_pdrop", 0.1),
            EmbeddingDropout = c.Double("embd_pdrop", 0.1),
            AttentionDropout = c.Double("attn_pdrop", 0.1),
        }, c, json, Known, source);
    }

    /// <inheritdoc />
    protected override void WriteArchitectureFields(JsonObject json)
    {
        json["vocab_size"] = VocabSize;
        json["n_embd"] = HiddenSize;
        json["n_layer"] = NumLayers;
        json["n_head"] = NumHeads;
        json["n_positions"] = MaxPositions;
        json["n_ctx"] = MaxPositions;
        json["n_inner"] = InnerSize;
        json["activation_function"] = "gelu_new";
        json["layer_norm_epsilon"] = LayerNormEpsilon;
        json["resid_pdrop"] = ResidualDropout;
        json["embd_pdrop"] = EmbeddingDropout;
        json["attn_pdrop"] = AttentionDropout;
        json["tie_word_embeddings"] = true;
    }
}
