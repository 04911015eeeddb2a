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

    /// <summary>Checks the numbers fit together; throws <see cref="ModelFormatException"/> naming the field otherwise.</summary>
    public virtual void Validate(string source)
    {
        Positive(source, VocabSize, "vocab_size");
        Positive(source, HiddenSize, "hidden_size");
        Positive(source, NumLayers, "num_hidden_layers");
        Positive(source, NumHeads, "num_attention_heads");
        Positive(source, MaxPositions, "max_position_embeddings");
        if (HiddenSize % NumHeads != 0)
            throw new ModelFormatException(
                $"{source}: hidden size {HiddenSize} is not divisible by the number of attention heads {NumHeads}.");
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
