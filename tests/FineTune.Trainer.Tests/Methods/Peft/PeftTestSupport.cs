using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods;
using FineTune.Trainer.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Methods.Peft;

/// <summary>Tiny models, a few optimizer steps and output comparison for the method tests.</summary>
internal static class PeftTestSupport
{
    public const int Vocab = 61;

    /// <summary>A fresh tiny causal model (seeded, eval mode: no dropout).</summary>
    public static ICausalLanguageModel Model(string architecture, long seed = 7)
    {
        manual_seed(seed);
        var model = (ICausalLanguageModel)ModelRegistry.Create(ModelPresets.Create(architecture, "tiny", Vocab, maxPositions: 64));
        model.Module.eval();
        return model;
    }

    /// <summary>A spec selecting <paramref name="method"/>, configured by <paramref name="configure"/>.</summary>
    public static FineTuneJobSpec Spec(FineTuneMethod method, Action<FineTuneJobSpec>? configure = null)
    {
        var spec = new FineTuneJobSpec
        {
            Method = method,
            Model = new ModelSpec { Uri = "model" },
            Dataset = new DatasetSpec { Uri = "train.jsonl" },
            Output = new OutputSpec { Uri = "out" },
        };
        configure?.Invoke(spec);
        return spec;
    }

    /// <summary>Fixed token ids [2, 12].</summary>
    public static Tensor Tokens(long seed = 3)
    {
        manual_seed(seed);
        return randint(0, Vocab, [2, 12], ScalarType.Int64);
    }

    /// <summary>Applies <paramref name="method"/> and takes <paramref name="steps"/> Adam steps of next-token loss.</summary>
    public static void Train(ICausalLanguageModel model, IFineTuneMethod method, int steps = 3, double learningRate = 0.02)
    {
        method.Apply(model);
        var trainable = method.TrainableParameterNames(model).ToHashSet();
        var parameters = model.Module.named_parameters().Where(p => trainable.Contains(p.name)).Select(p => p.parameter).ToArray();
        using var optimizer = optim.Adam(parameters, learningRate);
        for (var step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var ids = Tokens(100 + step);
            var logits = model.Forward(ids);
            var loss = nn.functional.cross_entropy(logits[.., ..^1, ..].reshape(-1, Vocab), ids[.., 1..].reshape(-1));
            loss.backward();
            optimizer.step();
        }
    }

    /// <summary>Logits of the fixed tokens, without gradients.</summary>
    public static Tensor Logits(ICausalLanguageModel model, Tensor? ids = null)
    {
        using var noGrad = no_grad();
        using var own = ids is null ? Tokens() : null;
        return model.Forward(ids ?? own!);
    }

    /// <summary>Copies of every parameter by name.</summary>
    public static Dictionary<string, Tensor> Snapshot(ILanguageModel model) =>
        model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

    /// <summary>Largest absolute difference.</summary>
    public static double MaxDifference(Tensor a, Tensor b)
    {
        using var diff = a.sub(b).abs().max();
        return diff.item<float>();
    }

    /// <summary>Number of elements of the parameters named.</summary>
    public static long Count(ILanguageModel model, IEnumerable<string> names)
    {
        var set = names.ToHashSet();
        return model.Module.named_parameters().Where(p => set.Contains(p.name)).Sum(p => p.parameter.numel());
    }
}
