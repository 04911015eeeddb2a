using System.Text.Json.Nodes;

namespace FineTune.Trainer.Models;

/// <summary>
/// The architecture hyperparameters of a model, as read from (and written to) a Hugging Face config.json.
/// Fields this code does not interpret are kept in <see cref="Extra"/> and written back unchanged on save.
/// </summary>
public abstract record ModelConfig
{
    /// <summary>The Hugging Face model_type ("gpt2", "llama", "qwen2", "mistral", "bert").</summary>
    public abstract string ModelType { get; }

    /// <summary>The Hugging Face class name written to "architectures" (e.g. "GPT2LMHeadModel").</summary>
    public abstract string ArchitectureName { get; }

    /// <summary>Number of token ids the embedding table holds.</summary>
    public required int VocabSize { get; init; }

    /// <summary>Width of the residual stream (d_model).</summary>
    public required int HiddenSize { get; init; }

    /// <summary>Number of transformer blocks.</summary>
    public required int NumLayers { get; init; }

    /// <summary>Number of attention (query) heads.</summary>
    public required int NumHeads { get; init; }

    /// <summary>Longest sequence the model has positions for.</summary>
    public required int MaxPositions { get; init; }

    /// <summary>Standard deviation of the normal used for fresh weights (HF initializer_range).</summary>
    public double InitializerRange { get; init; } = 0.02;

    /// <summary>Optional special token ids, copied through to config.json.</summary>
    public int? BosTokenId { get; init; }

    /// <inheritdoc cref="BosTokenId"/>
    public int? EosTokenId { get; init; }

    /// <inheritdoc cref="BosTokenId"/>
    public int? PadTokenId { get; init; }

    /// <summary>config.json fields not interpreted here, preserved on save.</summary>
    public JsonObject Extra { get; init; } = new();

    /// <summary>Width of one attention head.</summary>
    public virtual int HeadDim => HiddenSize / NumHeads;

    /// <summary>True when a head's width is hidden_size / num_attention_heads (false when config.json sets head_dim).</summary>
    protected virtual bool HeadsSplitHiddenSize => true;

    /// <summary>Checks the numbers fit together; throws <see cref="ModelFormatException"/> naming the field otherwise.</summary>
    public virtual void Validate(string source)
    {
        Positive(source, VocabSize, "vocab_size");
        Positive(source, HiddenSize, "hidden_size");
        Positive(source, NumLayers, "num_hidden_layers");
        Positive(source, NumHeads, "num_attention_heads");
        Positive(source, MaxPositions, "max_position_embeddings");
        if (HeadsSplitHiddenSize && HiddenSize % NumHeads != 0)
            throw new ModelFormatException(
                $"{source}: hidden_size {HiddenSize} is not divisible by num_attention_heads {NumHeads}.");
    }

    // Fields every architecture reads the same way (Complete), besides its own.
    private static readonly string[] SharedFields =
        { "architectures", "model_type", "initializer_range", "bos_token_id", "eos_token_id", "pad_token_id" };

    /// <summary>
    /// Finishes a config an architecture read from <paramref name="json"/>: adds the fields all architectures share
    /// (initializer_range, the special token ids, keeping <paramref name="config"/>'s pad id when the file has none),
    /// keeps every field neither read in <see cref="Extra"/>, and validates. <paramref name="known"/> lists the
    /// architecture's own fields.
    /// </summary>
    internal static T Complete<T>(T config, ConfigJson c, JsonObject json, IEnumerable<string> known, string source) where T : ModelConfig
    {
        var complete = (T)(config with
        {
            InitializerRange = c.Double("initializer_range", 0.02),
            BosTokenId = c.OptionalInt("bos_token_id"),
            EosTokenId = c.OptionalInt("eos_token_id"),
            PadTokenId = c.OptionalInt("pad_token_id") ?? config.PadTokenId,
            Extra = ExtraFields.Without(json, SharedFields.Concat(known)),
        });
        complete.Validate(source);
        return complete;
    }

    /// <summary>Writes the sizes under the names most Hugging Face architectures use (hidden_size, num_hidden_layers, ...).</summary>
    protected void WriteStandardSizes(JsonObject json)
    {
        json["vocab_size"] = VocabSize;
        json["hidden_size"] = HiddenSize;
        json["num_hidden_layers"] = NumLayers;
        json["num_attention_heads"] = NumHeads;
        json["max_position_embeddings"] = MaxPositions;
    }

    /// <summary>Writes the fields of this architecture in Hugging Face names (model_type included).</summary>
    public JsonObject ToJson()
    {
        var json = JsonNode.Parse(Extra.ToJsonString())!.AsObject();
        json["architectures"] = new JsonArray(ArchitectureName);
        json["model_type"] = ModelType;
        json["initializer_range"] = InitializerRange;
        if (BosTokenId is { } bos) json["bos_token_id"] = bos;
        if (EosTokenId is { } eos) json["eos_token_id"] = eos;
        if (PadTokenId is { } pad) json["pad_token_id"] = pad;
        WriteArchitectureFields(json);
        return json;
    }

    /// <summary>Adds the architecture's own fields to <paramref name="json"/>.</summary>
    protected abstract void WriteArchitectureFields(JsonObject json);

    /// <summary>Throws when <paramref name="value"/> is not positive.</summary>
    protected static void Positive(string source, int value, string field)
    {
        if (value <= 0) throw new ModelFormatException($"{source}: field '{field}' is {value}; expected a positive integer.");
    }
}
