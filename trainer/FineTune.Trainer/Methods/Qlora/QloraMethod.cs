using System.Text.Json.Nodes;
using FineTune.Api.Schema;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Lora;
using FineTune.Trainer.Methods.Peft;
using FineTune.Trainer.Models;
using FineTune.Trainer.Training;
using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Qlora;

/// <summary>
/// QLoRA (Dettmers et al., 2023): the target linear layers' weights are quantized block-wise to 4 bits (NF4 or FP4,
/// optionally with double-quantized scales) and frozen; LoRA trains on top (<see cref="QloraLayer"/>). Everything
/// else (embeddings, norms, the head) stays as it is. The adapter is exported in the PEFT layout with peft_type LORA, as
/// PEFT writes a QLoRA adapter, plus a quantization_config block with the 4-bit settings (bitsandbytes' field names);
/// a merged export writes the dequantized base weights + scaling·B·A as a plain fp32 Hugging Face model, so merged
/// weights are the 4-bit weights' values, not the original ones. Reports the mean absolute quantization error of the
/// target weights as finetune_trainer_quantization_error. One instance serves one model.
/// </summary>
public sealed class QloraMethod(QloraOptions options) : IPeftMethod, IMethodMetricsSource
{
    /// <summary>The adapter_config.json field carrying the 4-bit settings.</summary>
    public const string QuantizationConfigField = "quantization_config";

    private static readonly int[] BlockSizes = [32, 64, 128, 256];

    private readonly AdapterSwitch _switch = new("QLoRA", new ModulesToSave(options.ModulesToSave ?? [], "qlora.modulesToSave"));

    /// <summary>The options this instance applies.</summary>
    public QloraOptions Options { get; } = options;

    /// <inheritdoc />
    public string Name => "qlora";

    /// <inheritdoc />
    public string PeftType => "LORA";

    /// <inheritdoc />
    public bool CanMerge => true;

    /// <summary>The factor on B·A: alpha/r, or alpha/√r with rsLoRA.</summary>
    public double Scaling => Options.RsLora ? Options.Alpha / Math.Sqrt(Options.Rank) : Options.Alpha / Options.Rank;

    /// <summary>The dtype the dequantized base is computed in.</summary>
    public ScalarType ComputeDtype => Options.ComputeDtype == Precision.Bf16 ? ScalarType.BFloat16 : ScalarType.Float32;

    /// <inheritdoc />
    public void Apply(ILanguageModel model)
    {
        ValidateOptions();
        foreach (var path in LoraTargets.Resolve(model, Options.TargetModules, Options.Rank, "qlora"))
        {
            var module = ModuleSurgery.Get(model, path);
            if (module is QloraLayer) continue;
            var weights = LinearWeights.Of(module)
                ?? throw new PeftException($"qlora.targetModules: '{path}' is a {module.GetType().Name}, not a linear layer; it cannot be quantized.");
            ModuleSurgery.Replace(model, path, new QloraLayer(path, weights, Options.QuantType, Options.BlockSize, Options.DoubleQuant,
                ComputeDtype, Options.Rank, Scaling, Options.Dropout));
            Release(model, weights);
        }
        var trainable = TrainableParameterNames(model);
        _switch.ModulesToSave.Capture(model, _switch.ModulesToSave.ParameterNames(model, LoraMethod.IsAdapterParameter));
        ParameterSelection.RequireGradientsOnly(model, trainable.ToHashSet(StringComparer.Ordinal));
    }

    /// <inheritdoc />
    public IReadOnlyList<string> TrainableParameterNames(ILanguageModel model)
    {
        var saved = _switch.ModulesToSave.ParameterNames(model, LoraMethod.IsAdapterParameter).ToHashSet(StringComparer.Ordinal);
        return model.Module.named_parameters().Select(p => p.name)
            .Where(n => LoraMethod.IsAdapterParameter(n) || saved.Contains(n)).ToArray();
    }

    /// <summary>
    /// The mean absolute error between the original and the dequantized target weights (over all their elements),
    /// measured when they were quantized; null before <see cref="Apply"/>.
    /// </summary>
    public static double? QuantizationError(ILanguageModel model)
    {
        var layers = Layers(model);
        if (layers.Count == 0) return null;
        return layers.Sum(l => l.QuantizationError * l.weight.Count) / layers.Sum(l => (double)l.weight.Count);
    }

    /// <inheritdoc />
    public MethodStepMetrics? StepMetrics(ILanguageModel model) =>
        QuantizationError(model) is { } error ? new MethodStepMetrics(QuantizationError: error) : null;

    /// <inheritdoc />
    public SaveMode ResolveSave(SaveMode? requested) => requested ?? SaveMode.Adapter;

    /// <inheritdoc />
    public void Export(ILanguageModel model, string directory, SaveMode kind) =>
        AdapterSwitch.Export(this, model, directory, kind, WriteMerged);

    // Writes dequant(W₄) + scaling·B·A for every quantized layer as its plain weight, leaving the live model as it is.
    private void WriteMerged(ILanguageModel model, string directory)
    {
        _switch.RequireEnabled("a merged export");
        using var scope = NewDisposeScope();
        var merged = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (path, module) in ModuleSurgery.Modules(model))
            if (module is QloraLayer layer) merged[path + ".weight"] = layer.MergedWeight();
        MergedModelWriter.Write(model, directory, LoraMethod.IsAdapterParameter, merged);
    }

    /// <inheritdoc />
    public PeftConfig ToConfig(ILanguageModel model) => PeftConfig.For(this, model, new JsonObject
    {
        ["r"] = Options.Rank,
        ["lora_alpha"] = Options.Alpha,
        ["lora_dropout"] = Options.Dropout,
        ["use_rslora"] = Options.RsLora,
        ["target_modules"] = new JsonArray(LoraTargets.Resolve(model, Options.TargetModules, Options.Rank, "qlora").Select(t => (JsonNode)t).ToArray()),
        ["modules_to_save"] = Options.ModulesToSave is { Count: > 0 } m ? new JsonArray(m.Select(t => (JsonNode)t).ToArray()) : null,
        ["fan_in_fan_out"] = model.Config.ModelType == "gpt2",
        ["bias"] = "none",
        ["init_lora_weights"] = true,
        [QuantizationConfigField] = new JsonObject
        {
            ["quant_method"] = "bitsandbytes",
            ["load_in_4bit"] = true,
            ["bnb_4bit_quant_type"] = JsonNames.OfEnumValue(Options.QuantType),
            ["bnb_4bit_use_double_quant"] = Options.DoubleQuant,
            ["bnb_4bit_compute_dtype"] = Options.ComputeDtype == Precision.Bf16 ? "bfloat16" : "float32",
            ["bnb_4bit_blocksize"] = Options.BlockSize,
        },
    });

    /// <summary>True when <paramref name="config"/> (peft_type LORA) describes a LoRA adapter over a 4-bit base.</summary>
    public static bool Describes(PeftConfig config) => config.Fields[QuantizationConfigField] is JsonObject q
        && q["load_in_4bit"] is JsonValue v && v.TryGetValue<bool>(out var fourBit) && fourBit;

    /// <summary>The method adapter_config.json of a QLoRA adapter describes.</summary>
    public static QloraMethod FromConfig(PeftConfig config)
    {
        var lora = LoraMethod.FromConfig(config).Options;
        var quantization = (JsonObject)config.Fields[QuantizationConfigField]!;
        string Text(string field, string fallback) => quantization[field] switch
        {
            null => fallback,
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            var other => throw new PeftException($"{config.Source}: field '{QuantizationConfigField}.{field}' is {other.ToJsonString()}; expected a string."),
        };
        var quantType = Text("bnb_4bit_quant_type", "nf4") switch
        {
            "nf4" => QuantType.Nf4,
            "fp4" => QuantType.Fp4,
            var other => throw new PeftException($"{config.Source}: field '{QuantizationConfigField}.bnb_4bit_quant_type' is '{other}'; expected nf4 or fp4."),
        };
        var computeDtype = Text("bnb_4bit_compute_dtype", "bfloat16") switch
        {
            "bfloat16" => Precision.Bf16,
            "float32" => Precision.Fp32,
            var other => throw new PeftException($"{config.Source}: field '{QuantizationConfigField}.bnb_4bit_compute_dtype' is '{other}'; expected bfloat16 or float32."),
        };
        return new QloraMethod(new QloraOptions
        {
            Rank = lora.Rank,
            Alpha = lora.Alpha,
            Dropout = lora.Dropout,
            RsLora = lora.RsLora,
            TargetModules = lora.TargetModules,
            ModulesToSave = lora.ModulesToSave,
            QuantType = quantType,
            BlockSize = quantization["bnb_4bit_blocksize"] is JsonValue b && b.TryGetValue<int>(out var size) ? size : 64,
            DoubleQuant = quantization["bnb_4bit_use_double_quant"] is not JsonValue d || !d.TryGetValue<bool>(out var dq) || dq,
            ComputeDtype = computeDtype,
        });
    }

    /// <summary>
    /// Rounds the target weights of a plain (not yet quantized) <paramref name="model"/> in place to the values their
    /// 4-bit form stands for, without wrapping anything: the dense model the quantized base computes (for comparisons).
    /// </summary>
    public void RoundTargetWeights(ILanguageModel model)
    {
        ValidateOptions();
        using var noGrad = no_grad();
        foreach (var path in LoraTargets.Resolve(model, Options.TargetModules, Options.Rank, "qlora"))
        {
            var weights = LinearWeights.Of(ModuleSurgery.Get(model, path))
                ?? throw new InvalidOperationException($"'{path}' is already quantized; round the weights of a plain model.");
            using var quantized = QuantizedWeight.Quantize(weights.Weight, Options.QuantType, Options.BlockSize, Options.DoubleQuant);
            using var restored = quantized.Dequantize(weights.Weight.dtype);
            weights.Weight.copy_(restored);
        }
    }

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

    /// <summary>The quantized layers of <paramref name="model"/>.</summary>
    public static IReadOnlyList<QloraLayer> Layers(ILanguageModel model) => model.Module.modules().OfType<QloraLayer>().ToArray();

    // The dense weight is gone from the model once its layer is replaced; free it now rather than at garbage
    // collection, unless another parameter shares it (a head tied to the embeddings).
    private static void Release(ILanguageModel model, LinearWeights old)
    {
        if (model.Module.parameters().Any(p => ReferenceEquals(p, old.Weight) || p.Handle == old.Weight.Handle)) return;
        old.Weight.Dispose();
    }

    private void ValidateOptions()
    {
        if (Options.Rank < 1) throw new PeftException($"qlora.rank: {Options.Rank}; expected an integer from 1 to 1024.");
        if (!(Options.Alpha > 0)) throw new PeftException($"qlora.alpha: {Options.Alpha}; expected a number above 0.");
        if (Options.Dropout is < 0 or >= 1) throw new PeftException($"qlora.dropout: {Options.Dropout}; expected 0 ≤ dropout < 1.");
        if (!BlockSizes.Contains(Options.BlockSize))
            throw new PeftException($"qlora.blockSize: {Options.BlockSize}; expected one of {string.Join(", ", BlockSizes)}.");
    }
}
