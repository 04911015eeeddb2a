using FineTune.Trainer.Models;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Models;

/// <summary>Fresh tiny causal models of every decoder architecture, seeded, in eval mode (no dropout).</summary>
internal static class TinyModels
{
    public static readonly string[] CausalArchitectures = { "gpt2", "llama", "mistral", "qwen2" };

    public static ICausalLanguageModel Causal(string architecture, long seed = 7)
    {
        manual_seed(seed);
        var model = (ICausalLanguageModel)ModelRegistry.Create(ModelPresets.Create(architecture, "tiny", vocabSize: 61, maxPositions: 64));
        model.Module.eval();
        return model;
    }

    public static Tensor Tokens(long seed, params long[] shape)
    {
        manual_seed(seed);
        return randint(0, 61, shape, ScalarType.Int64);
    }
}
