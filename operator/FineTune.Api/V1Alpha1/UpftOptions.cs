using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>
/// Unsupervised prefix fine-tuning (arXiv 2503.02875): the model samples answers to unlabeled prompts and is trained
/// on only the first prefixTokens of each, with a structureRatio share of samples trained on the full answer.
/// </summary>
public sealed class UpftOptions
{
    /// <summary>Unlabeled prompts, one <c>{"prompt": ...}</c> per line.</summary>
    [Pattern(Patterns.StorageUri, Patterns.StorageUriAccepted), Length(Min = 1, Max = 2048)]
    public required string PromptsUri { get; set; }

    /// <summary>Tokens of each sampled answer trained on.</summary>
    [Minimum(1), Maximum(4096)]
    public int PrefixTokens { get; set; } = 8;

    /// <summary>Share of samples trained on the whole answer, to keep the answer structure.</summary>
    [Minimum(0), Maximum(1)]
    public double StructureRatio { get; set; } = 0.1;

    /// <summary>Answers sampled per prompt.</summary>
    [Minimum(1), Maximum(64)]
    public int SamplesPerPrompt { get; set; } = 1;

    /// <summary>Longest sampled answer when it is trained on in full.</summary>
    [Minimum(1), Maximum(8192)]
    public int MaxNewTokens { get; set; } = 256;

    /// <summary>Sampling temperature.</summary>
    [Minimum(0, Exclusive = true), Maximum(2)]
    public double Temperature { get; set; } = 0.7;

    /// <summary>full, or lora with the options of spec.lora.</summary>
    public PolicyMethod PolicyMethod { get; set; } = PolicyMethod.Full;
}
