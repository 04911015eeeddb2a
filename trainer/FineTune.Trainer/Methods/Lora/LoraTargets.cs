using FineTune.Trainer.Methods.Peft;
using FineTune.Trainer.Models;

namespace FineTune.Trainer.Methods.Lora;

/// <summary>
/// Turns lora.targetModules (names, wildcards or all-linear) into the paths of the linear layers to wrap, with the
/// architecture's default when left out: c_attn for gpt2, query and value for bert, q_proj and v_proj otherwise.
/// </summary>
public static class LoraTargets
{
    /// <summary>The pattern that selects every linear layer except the output head.</summary>
    public const string AllLinear = "all-linear";

    /// <summary>The default targets of <paramref name="modelType"/>.</summary>
    public static IReadOnlyList<string> Defaults(string modelType) => modelType switch
    {
        "gpt2" => ["c_attn"],
        "bert" => ["query", "value"],
        _ => ["q_proj", "v_proj"],
    };

    /// <summary>
    /// The module paths <paramref name="patterns"/> select, in model order; each pattern must select at least one
    /// linear layer, and <paramref name="rank"/> must fit every selected layer. Errors name the fields of the
    /// <paramref name="block"/> option block (lora, qlora).
    /// </summary>
    public static IReadOnlyList<string> Resolve(ILanguageModel model, IReadOnlyList<string>? patterns, int rank, string block = "lora")
    {
        var linear = LinearModules(model);
        var selected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in patterns is { Count: > 0 } ? patterns : Defaults(model.Config.ModelType))
        {
            var matches = text == AllLinear
                ? linear.Keys.Where(path => !model.HeadNames.Any(h => ParameterSelection.IsUnder(path, h))).ToList()
                : linear.Keys.Where(new ModulePattern(text).Matches).ToList();
            if (matches.Count == 0)
                throw new PeftException(
                    $"{block}.targetModules: '{text}' matches no linear layer of the {model.Config.ModelType} model; its linear layers are " +
                    $"{string.Join(", ", linear.Keys.Select(Leaf).Distinct())} (for example '{linear.Keys.FirstOrDefault()}'), or use {AllLinear}.");
            selected.UnionWith(matches);
        }
        foreach (var path in selected)
        {
            var (inFeatures, outFeatures) = linear[path];
            var smallest = Math.Min(inFeatures, outFeatures);
            if (rank > smallest)
                throw new PeftException(
                    $"{block}.rank: {rank} is larger than target '{path}' allows ({inFeatures} → {outFeatures}); " +
                    $"expected at most {smallest}.");
        }
        return linear.Keys.Where(selected.Contains).ToArray();
    }

    /// <summary>
    /// Every linear layer (nn.Linear, Conv1D, or one already wrapped by LoRA or QLoRA) by path with its in and out
    /// features, in model order.
    /// </summary>
    public static IReadOnlyDictionary<string, (long InFeatures, long OutFeatures)> LinearModules(ILanguageModel model)
    {
        var result = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        var modules = ModuleSurgery.Modules(model);
        var wrappers = modules.Where(m => m.Value is IWrappedLinear).Select(m => m.Key).ToArray();
        foreach (var (path, module) in modules)
        {
            if (wrappers.Any(w => path.StartsWith(w + ".", StringComparison.Ordinal))) continue; // lora_A/lora_B themselves
            if (module is IWrappedLinear wrapped) result[path] = (wrapped.InFeatures, wrapped.OutFeatures);
            else if (LinearWeights.Of(module) is { } weights) result[path] = (weights.InFeatures, weights.OutFeatures);
        }
        return result;
    }

    private static string Leaf(string path) => path[(path.LastIndexOf('.') + 1)..];
}
