using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Peft;
using FineTune.Trainer.Models;

namespace FineTune.Trainer.Methods.Adapter;

/// <summary>
/// Where bottleneck adapters go in each block: after the attention output projection (houlsby only) and after the
/// feed-forward output projection (houlsby and pfeiffer), before the residual addition, for every architecture.
/// </summary>
public static class AdapterSites
{
    private static readonly string[] AttentionOutputs = ["attn.c_proj", "self_attn.o_proj", "attention.output.dense"];
    private static readonly string[] FeedForwardOutputs = ["mlp.c_proj", "mlp.down_proj", "output.dense"];

    /// <summary>The module paths to wrap for <paramref name="placement"/>, bottom block first.</summary>
    public static IReadOnlyList<string> Resolve(ILanguageModel model, AdapterPlacement placement)
    {
        var modules = ModuleSurgery.Modules(model);
        var sites = new List<string>();
        foreach (var block in model.BlockNames)
        {
            if (placement == AdapterPlacement.Houlsby) sites.Add(Find(model, modules, block, AttentionOutputs, "attention output"));
            sites.Add(Find(model, modules, block, FeedForwardOutputs, "feed-forward output"));
        }
        return sites;
    }

    private static string Find(ILanguageModel model, IReadOnlyDictionary<string, TorchSharp.torch.nn.Module> modules, string block,
        string[] candidates, string role) =>
        candidates.Select(c => $"{block}.{c}").FirstOrDefault(modules.ContainsKey)
        ?? throw new PeftException(
            $"adapter.placement: the {model.Config.ModelType} model has no {role} projection in {block} " +
            $"(looked for {string.Join(", ", candidates)}).");
}
