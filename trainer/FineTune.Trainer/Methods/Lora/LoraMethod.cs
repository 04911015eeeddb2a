using System.Text.Json.Nodes;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Peft;
using FineTune.Trainer.Models;
using TorchSharp.Modules;

namespace FineTune.Trainer.Methods.Lora;

/// <summary>
/// LoRA: wraps the target linear layers in <see cref="LoraLayer"/> and trains only their A and B matrices (plus
/// lora.modulesToSave). Exports the adapter in the PEFT layout (adapter_config.json + adapter_model.safetensors with
/// keys base_model.model.&lt;module&gt;.lora_A.weight) or a merged Hugging Face model. One instance serves one model.
/// </summary>
public sealed class LoraMethod(LoraOptions options) : IPeftMethod
{
    private readonly AdapterSwitch _switch = new("LoRA", new ModulesToSave(options.ModulesToSave ?? [], "lora.modulesToSave"));

    /// <summary>The options this instance applies.</summary>
    public LoraOptions Options { get; } = options;

    /// <inheritdoc />
    public string Name => "lora";

    /// <inheritdoc />
    public string PeftType => "LORA";

    /// <inheritdoc />
    public bool CanMerge => true;

    /// <summary>The factor on B·A: alpha/r, or alpha/√r with rsLoRA.</summary>
    public double Scaling => Options.RsLora ? Options.Alpha / Math.Sqrt(Options.Rank) : Options.Alpha / Options.Rank;

    /// <inheritdoc />
    public void Apply(ILanguageModel model)
    {
        ValidateOptions();
        foreach (var path in LoraTargets.Resolve(model, Options.TargetModules, Options.Rank))
        {
            var module = ModuleSurgery.Get(model, path);
            if (module is LoraLayer) continue;
            ModuleSurgery.Replace(model, path, new LoraLayer(LinearWeights.Of(module)!, Options.Rank, Scaling, Options.Dropout));
        }
        var trainable = TrainableParameterNames(model);
        _switch.ModulesToSave.Capture(model, _switch.ModulesToSave.ParameterNames(model, IsAdapterParameter));
        ParameterSelection.RequireGradientsOnly(model, trainable.ToHashSet(StringComparer.Ordinal));
    }

    /// <inheritdoc />
    public IReadOnlyList<string> TrainableParameterNames(ILanguageModel model)
    {
        var saved = _switch.ModulesToSave.ParameterNames(model, IsAdapterParameter).ToHashSet(StringComparer.Ordinal);
        return model.Module.named_parameters().Select(p => p.name).Where(n => IsAdapterParameter(n) || saved.Contains(n)).ToArray();
    }

    /// <inheritdoc />
    public SaveMode ResolveSave(SaveMode? requested) => requested ?? SaveMode.Adapter;

    /// <inheritdoc />
    public void Export(ILanguageModel model, string directory, SaveMode kind) =>
        AdapterSwitch.Export(this, model, directory, kind, WriteMerged);

    // Writes base + scaling·B·A for every wrapped layer without touching the live weights, so training can go on
    // bit for bit after an export.
    private void WriteMerged(ILanguageModel model, string directory)
    {
        _switch.RequireEnabled("a merged export");
        using var scope = TorchSharp.torch.NewDisposeScope();
        var merged = new Dictionary<string, TorchSharp.torch.Tensor>(StringComparer.Ordinal);
        foreach (var (path, module) in ModuleSurgery.Modules(model))
        {
            if (module is not LoraLayer layer || layer.Merged) continue;
            using var delta = layer.DeltaWeight();
            merged[path + ".weight"] = layer.weight.detach().add(delta);
        }
        MergedModelWriter.Write(model, directory, IsAdapterParameter, merged);
    }

    /// <inheritdoc />
    public PeftConfig ToConfig(ILanguageModel model) => PeftConfig.For(this, model, new JsonObject
    {
        ["r"] = Options.Rank,
        ["lora_alpha"] = Options.Alpha,
        ["lora_dropout"] = Options.Dropout,
        ["use_rslora"] = Options.RsLora,
        ["target_modules"] = new JsonArray(LoraTargets.Resolve(model, Options.TargetModules, Options.Rank).Select(t => (JsonNode)t).ToArray()),
        ["modules_to_save"] = Options.ModulesToSave is { Count: > 0 } m ? new JsonArray(m.Select(t => (JsonNode)t).ToArray()) : null,
        ["fan_in_fan_out"] = model.Config.ModelType == "gpt2",
        ["bias"] = "none",
        ["init_lora_weights"] = true,
    });

    /// <summary>The method adapter_config.json of a LoRA adapter describes.</summary>
    public static LoraMethod FromConfig(PeftConfig config) => new(new LoraOptions
    {
        Rank = config.Int("r"),
        Alpha = config.Double("lora_alpha"),
        Dropout = config.Double("lora_dropout", 0),
        RsLora = config.Bool("use_rslora", false),
        TargetModules = config.StringList("target_modules").ToList(),
        ModulesToSave = config.StringList("modules_to_save").ToList(),
    });

    /// <inheritdoc />
    public void Merge(ILanguageModel model) => _switch.Merge(Layers(model));

    /// <inheritdoc />
    public void Unmerge(ILanguageModel model) => AdapterSwitch.Unmerge(Layers(model));

    /// <inheritdoc />
    public void SetAdapterEnabled(ILanguageModel model, bool enabled) => _switch.SetEnabled(model, Layers(model), enabled);

    /// <inheritdoc />
    public void SaveAdapter(ILanguageModel model, string directory) => AdapterWeights.SaveTrainable(this, model, directory);

    /// <inheritdoc />
    public void LoadAdapter(ILanguageModel model, string directory) => AdapterWeights.LoadTrainable(this, model, directory);

    /// <summary>The LoRA layers of <paramref name="model"/>.</summary>
    public static IReadOnlyList<LoraLayer> Layers(ILanguageModel model) =>
        model.Module.modules().OfType<LoraLayer>().ToArray();

    /// <summary>True for a parameter LoRA adds (lora_A / lora_B).</summary>
    public static bool IsAdapterParameter(string name) =>
        name.EndsWith(".lora_A.weight", StringComparison.Ordinal) || name.EndsWith(".lora_B.weight", StringComparison.Ordinal);

    private void ValidateOptions()
    {
        if (Options.Rank < 1) throw new PeftException($"lora.rank: {Options.Rank}; expected an integer from 1 to 1024.");
        if (!(Options.Alpha > 0)) throw new PeftException($"lora.alpha: {Options.Alpha}; expected a number above 0.");
        if (Options.Dropout is < 0 or >= 1) throw new PeftException($"lora.dropout: {Options.Dropout}; expected 0 ≤ dropout < 1.");
    }
}
