using System.Text.Json.Nodes;
using FineTune.Api.Schema;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Peft;
using FineTune.Trainer.Models;

namespace FineTune.Trainer.Methods.Adapter;

/// <summary>
/// Bottleneck adapters (Houlsby or Pfeiffer placement): wraps each block's output projections in
/// <see cref="BottleneckLayer"/> and trains only the adapters. The nonlinearity keeps them out of the base weights, so
/// the only export is the adapter itself (peft_type BOTTLENECK, keys base_model.model.&lt;module&gt;.adapter_down.weight).
/// </summary>
public sealed class AdapterMethod(AdapterOptions options) : IPeftMethod
{
    /// <summary>The options this instance applies.</summary>
    public AdapterOptions Options { get; } = options;

    /// <inheritdoc />
    public string Name => "adapter";

    /// <inheritdoc />
    public string PeftType => "BOTTLENECK";

    /// <inheritdoc />
    public bool CanMerge => false;

    /// <summary>The bottleneck width for <paramref name="model"/>: hidden size / reduction factor.</summary>
    public int BottleneckSize(ILanguageModel model)
    {
        var d = model.Config.HiddenSize;
        if (Options.ReductionFactor < 1 || Options.ReductionFactor > d)
            throw new PeftException(
                $"adapter.reductionFactor: {Options.ReductionFactor} leaves no bottleneck in the {model.Config.ModelType} model's hidden " +
                $"size {d}; expected 1 to {d}.");
        return d / Options.ReductionFactor;
    }

    /// <inheritdoc />
    public void Apply(ILanguageModel model)
    {
        var size = BottleneckSize(model);
        foreach (var path in AdapterSites.Resolve(model, Options.Placement))
        {
            var module = ModuleSurgery.Get(model, path);
            if (module is BottleneckLayer) continue;
            var weights = LinearWeights.Of(module)
                ?? throw new PeftException($"adapter: module '{path}' is a {module.GetType().Name}, not a linear layer; it cannot carry an adapter.");
            ModuleSurgery.Replace(model, path, new BottleneckLayer(weights, size, Options.NonLinearity));
        }
        ParameterSelection.RequireGradientsOnly(model, TrainableParameterNames(model).ToHashSet(StringComparer.Ordinal));
    }

    /// <inheritdoc />
    public IReadOnlyList<string> TrainableParameterNames(ILanguageModel model) =>
        model.Module.named_parameters().Select(p => p.name).Where(IsAdapterParameter).ToArray();

    /// <inheritdoc />
    public SaveMode ResolveSave(SaveMode? requested) => AdapterOnly.ResolveSave(this, requested, WhyNot);

    /// <inheritdoc />
    public void Export(ILanguageModel model, string directory, SaveMode kind) => AdapterOnly.Export(this, model, directory, kind, WhyNot);

    /// <inheritdoc />
    public PeftConfig ToConfig(ILanguageModel model) => PeftConfig.For(this, model, new JsonObject
    {
        ["placement"] = JsonNames.OfEnumValue(Options.Placement),
        ["reduction_factor"] = Options.ReductionFactor,
        ["non_linearity"] = JsonNames.OfEnumValue(Options.NonLinearity),
        ["target_modules"] = new JsonArray(AdapterSites.Resolve(model, Options.Placement).Select(t => (JsonNode)t).ToArray()),
    });

    /// <summary>The method adapter_config.json of a bottleneck adapter describes.</summary>
    public static AdapterMethod FromConfig(PeftConfig config) => new(new AdapterOptions
    {
        Placement = Parse<AdapterPlacement>(config, "placement"),
        ReductionFactor = config.Int("reduction_factor"),
        NonLinearity = Parse<NonLinearity>(config, "non_linearity"),
    });

    /// <inheritdoc />
    public void Merge(ILanguageModel model) => throw AdapterOnly.CannotMerge(this, WhyNot);

    /// <inheritdoc />
    public void Unmerge(ILanguageModel model) { }

    /// <inheritdoc />
    public void SetAdapterEnabled(ILanguageModel model, bool enabled)
    {
        foreach (var layer in model.Module.modules().OfType<BottleneckLayer>()) layer.Enabled = enabled;
    }

    /// <inheritdoc />
    public void SaveAdapter(ILanguageModel model, string directory) => AdapterWeights.SaveTrainable(this, model, directory);

    /// <inheritdoc />
    public void LoadAdapter(ILanguageModel model, string directory) => AdapterWeights.LoadTrainable(this, model, directory);

    /// <summary>True for a parameter the adapters add.</summary>
    public static bool IsAdapterParameter(string name) =>
        name.Contains(".adapter_down.", StringComparison.Ordinal) || name.Contains(".adapter_up.", StringComparison.Ordinal);

    private const string WhyNot = "its adapters apply a nonlinearity after the layer";

    private static T Parse<T>(PeftConfig config, string field) where T : struct, Enum
    {
        var text = config.String(field);
        foreach (var value in Enum.GetValues<T>())
            if (JsonNames.OfEnumValue(value) == text) return value;
        throw new PeftException(
            $"{config.Source}: field '{field}' is '{text}'; expected one of: {string.Join(", ", Enum.GetValues<T>().Select(v => JsonNames.OfEnumValue(v)))}.");
    }
}
