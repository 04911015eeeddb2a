using FineTune.Trainer.Methods.Peft;
using FineTune.Trainer.Models;

namespace FineTune.Trainer.Methods.Qat;

/// <summary>
/// The layers QAT quantizes: every linear layer of the transformer (attention and MLP projections, nn.Linear or
/// GPT-2's Conv1D), not the output head (lm_head, classifier, BERT's pooler: a tied head is the embedding matrix, and
/// heads usually stay in higher precision), nor embeddings or norms, which are not linear layers.
/// </summary>
public static class QatTargets
{
    /// <summary>Path → weights of every layer to quantize (wrapped already or not), in model order.</summary>
    public static IReadOnlyList<(string Path, LinearWeights Weights)> Resolve(ILanguageModel model)
    {
        var result = new List<(string, LinearWeights)>();
        foreach (var (path, module) in ModuleSurgery.Modules(model))
        {
            if (model.HeadNames.Any(head => ParameterSelection.IsUnder(path, head))) continue;
            var weights = module is FakeQuantLinear layer ? new LinearWeights(layer.weight, layer.bias, layer.FanInFanOut) : LinearWeights.Of(module);
            if (weights is not null) result.Add((path, weights));
        }
        return result;
    }

    /// <summary>The fake-quantized layers of <paramref name="model"/> by path, in model order.</summary>
    public static IReadOnlyList<(string Path, FakeQuantLinear Layer)> Layers(ILanguageModel model) =>
        ModuleSurgery.Modules(model).Where(m => m.Value is FakeQuantLinear).Select(m => (m.Key, (FakeQuantLinear)m.Value)).ToArray();
}
