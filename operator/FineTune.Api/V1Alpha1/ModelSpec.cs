using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>
/// A base model in Hugging Face layout (config.json, model.safetensors, tokenizer files). The architecture
/// (gpt2, llama, qwen2, mistral, bert) is read from config.json.
/// </summary>
public sealed class ModelSpec
{
    /// <summary>Directory of the model: s3://bucket/prefix/, file:///path or a path.</summary>
    [Pattern(Patterns.StorageUri, Patterns.StorageUriAccepted), Length(Min = 1, Max = 2048)]
    public required string Uri { get; set; }

    /// <summary>Directory of the tokenizer files when they are not beside the model.</summary>
    [Pattern(Patterns.StorageUri, Patterns.StorageUriAccepted), Length(Min = 1, Max = 2048)]
    public string? TokenizerUri { get; set; }

    /// <summary>Number of classes for a sequence-classification head (classification datasets).</summary>
    [Minimum(2), Maximum(100000)]
    public int? NumLabels { get; set; }
}
