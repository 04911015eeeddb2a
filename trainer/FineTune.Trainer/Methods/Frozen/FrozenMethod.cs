using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Models;

namespace FineTune.Trainer.Methods.Frozen;

/// <summary>
/// Frozen-layer fine-tuning: the embeddings and the bottom blocks keep their weights; the top
/// <see cref="FrozenOptions.TrainableLayers"/> blocks train, and so does everything outside the blocks and the
/// embeddings (the final norm and the output head: ln_f, model.norm, lm_head, classifier, pooler). Optionally the
/// embeddings train too, and <see cref="FrozenOptions.TrainableModules"/> adds parameters by name or wildcard.
/// A head tied to the token embedding (GPT-2, tied Llama/Qwen2) is the embedding, so it trains only with
/// trainEmbeddings. The export is the whole model.
/// </summary>
public sealed class FrozenMethod(FrozenOptions options) : IFineTuneMethod
{
    /// <inheritdoc />
    public string Name => "frozen";

    /// <summary>The options this instance applies.</summary>
    public FrozenOptions Options { get; } = options;

    /// <inheritdoc />
    public void Apply(ILanguageModel model) =>
        ParameterSelection.RequireGradientsOnly(model, TrainableParameterNames(model).ToHashSet(StringComparer.Ordinal));

    /// <inheritdoc />
    public IReadOnlyList<string> TrainableParameterNames(ILanguageModel model)
    {
        var blocks = model.BlockNames;
        if (Options.TrainableLayers > blocks.Count)
            throw new ArgumentException(
                $"frozen.trainableLayers: {Options.TrainableLayers}, but the {model.Config.ModelType} model has {blocks.Count} layers; " +
                $"expected 0..{blocks.Count}.");
        var topBlocks = blocks.Skip(blocks.Count - Options.TrainableLayers).ToArray();
        var patterns = (Options.TrainableModules ?? []).Select(p => new ModulePattern(p)).ToArray();
        var names = model.Module.named_parameters().Select(p => p.name).ToArray();

        foreach (var pattern in patterns)
        {
            if (!names.Any(pattern.Matches))
                throw new ArgumentException(
                    $"frozen.trainableModules: '{pattern.Text}' matches no parameter of the {model.Config.ModelType} model; " +
                    $"module names look like {string.Join(", ", ExampleModules(names))}.");
        }

        return names.Where(name =>
        {
            var inBlock = blocks.Any(b => ParameterSelection.IsUnder(name, b));
            var inEmbedding = model.EmbeddingNames.Any(e => ParameterSelection.IsUnder(name, e));
            if (topBlocks.Any(b => ParameterSelection.IsUnder(name, b))) return true;
            if (inEmbedding) return Options.TrainEmbeddings || patterns.Any(p => p.Matches(name));
            if (!inBlock) return true; // final norm and head
            return patterns.Any(p => p.Matches(name));
        }).ToArray();
    }

    /// <inheritdoc />
    public SaveMode ResolveSave(SaveMode? requested) => MergedExport.ResolveSave(Name, requested);

    /// <inheritdoc />
    public void Export(ILanguageModel model, string directory, SaveMode kind) => MergedExport.Export(Name, model, directory, kind);

    // A few module paths (parameter names without the last component) to show what names look like.
    private static IEnumerable<string> ExampleModules(IEnumerable<string> names) =>
        names.Select(n => n[..Math.Max(0, n.LastIndexOf('.'))]).Distinct().Take(6);
}
