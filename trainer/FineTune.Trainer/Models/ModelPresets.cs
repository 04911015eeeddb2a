using FineTune.Trainer.Models.Bert;
using FineTune.Trainer.Models.Gpt2;
using FineTune.Trainer.Models.Llama;

namespace FineTune.Trainer.Models;

/// <summary>
/// Named architecture × size combinations for writing fresh models (tests, demos, benchmarks). Sizes: "tiny"
/// (d=64, 2 layers: unit tests), "small" (d=256, 4 layers, 4 heads: the benchmark's reference shape), "base"
/// (d=768, 12 layers, 12 heads).
/// </summary>
public static class ModelPresets
{
    /// <summary>Accepted architecture names (HF model_type values).</summary>
    public static IReadOnlyList<string> Architectures => ModelRegistry.SupportedModelTypes;

    /// <summary>Accepted size names.</summary>
    public static IReadOnlyList<string> Sizes { get; } = new[] { "tiny", "small", "base" };

    /// <summary>
    /// The config for <paramref name="architecture"/> at <paramref name="size"/> with <paramref name="vocabSize"/>
    /// tokens (match the tokenizer) and room for <paramref name="maxPositions"/> positions.
    /// </summary>
    public static ModelConfig Create(string architecture, string size, int vocabSize, int maxPositions = 1024)
    {
        var (d, layers, heads) = size switch
        {
            "tiny" => (64, 2, 4),
            "small" => (256, 4, 4),
            "base" => (768, 12, 12),
            _ => throw new ArgumentException($"size: '{size}' is not a model size; expected one of: {string.Join(", ", Sizes)}."),
        };
        if (vocabSize <= 0) throw new ArgumentException($"vocab size: {vocabSize}; expected a positive integer.");
        ModelConfig config = architecture switch
        {
            "gpt2" => new Gpt2Config
            {
                VocabSize = vocabSize, HiddenSize = d, NumLayers = layers, NumHeads = heads, MaxPositions = maxPositions,
                BosTokenId = vocabSize - 1, EosTokenId = vocabSize - 1,
            },
            "llama" or "mistral" or "qwen2" => new LlamaConfig
            {
                Variant = architecture, VocabSize = vocabSize, HiddenSize = d, NumLayers = layers, NumHeads = heads,
                NumKeyValueHeads = Math.Max(1, heads / 2), IntermediateSize = d * 8 / 3 / 8 * 8 + 8,
                MaxPositions = maxPositions, TieWordEmbeddings = architecture == "qwen2",
                RopeTheta = architecture == "qwen2" ? 1000000.0 : 10000.0, RmsNormEpsilon = 1e-6,
            },
            "bert" => new BertConfig
            {
                VocabSize = vocabSize, HiddenSize = d, NumLayers = layers, NumHeads = heads, IntermediateSize = 4 * d,
                MaxPositions = Math.Min(maxPositions, 512), NumLabels = 2, PadTokenId = 0,
            },
            _ => throw new ArgumentException(
                $"architecture: '{architecture}' is not supported; expected one of: {string.Join(", ", Architectures)}."),
        };
        config.Validate($"{architecture}/{size}");
        return config;
    }
}
