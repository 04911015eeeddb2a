using System.Text.Json;
using System.Text.Json.Nodes;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Models;
using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Qat;

/// <summary>
/// The two exports of a QAT run, both Hugging Face directories (config.json + model.safetensors):
/// <list type="bullet">
/// <item>int8: each quantized layer stores <c>&lt;module&gt;.weight</c> as int8 codes in the layer's own layout (4-bit
/// codes too, one per byte), <c>&lt;module&gt;.weight_scale</c> [out, groups] float32 and, on asymmetric grids,
/// <c>&lt;module&gt;.weight_zero_point</c> [out, groups] int8; weight = (code - zero_point) · scale. Every other tensor is
/// float32. config.json gains a <c>quantization_config</c> block (quant_method <see cref="QuantMethod"/>) describing
/// the scheme. <see cref="HuggingFaceCheckpoint.Load"/> dequantizes such a directory into a plain model.</item>
/// <item>fp32: a plain model whose quantized layers hold their grid values (loads anywhere as a normal model).</item>
/// </list>
/// Both reproduce the fake-quantized forward's weights exactly. Activation quantization is a property of the
/// runtime: it is recorded in the block (activation_bits) but not applied by a plain model.
/// </summary>
public static class QatCheckpoint
{
    /// <summary>The quant_method name of the int8 layout.</summary>
    public const string QuantMethod = "finetune-qat";

    /// <summary>The config.json key of the scheme block.</summary>
    public const string ConfigKey = "quantization_config";

    /// <summary>Tensor-name suffix of the scales.</summary>
    public const string ScaleSuffix = ".weight_scale";

    /// <summary>Tensor-name suffix of the zero points.</summary>
    public const string ZeroPointSuffix = ".weight_zero_point";

    /// <summary>Writes the int8 layout of <paramref name="model"/> (its layers already fake-quantized by QAT).</summary>
    public static void WriteInt8(ILanguageModel model, string directory, WeightScheme scheme, int? activationBits)
    {
        var layers = QatTargets.Layers(model);
        var fanInFanOut = layers.Select(l => l.Layer.FanInFanOut).Distinct().ToArray();
        if (fanInFanOut.Length > 1)
            throw new NotSupportedException($"the {model.Config.ModelType} model mixes linear layouts; the int8 export needs one layout for every layer.");
        var block = new JsonObject
        {
            ["quant_method"] = QuantMethod,
            ["format"] = "int8",
            ["weight_bits"] = scheme.Grid.Bits,
            ["group_size"] = scheme.GroupSize,
            ["symmetric"] = scheme.Grid.Symmetric,
            ["qmin"] = scheme.Grid.QMin,
            ["qmax"] = scheme.Grid.QMax,
            ["fan_in_fan_out"] = fanInFanOut.FirstOrDefault(),
            ["activation_bits"] = activationBits,
            ["activation_scheme"] = activationBits is null ? null : "dynamic, per token, asymmetric, min-max",
            ["dequantize"] = "weight = (weight - weight_zero_point) * weight_scale, scales per output channel and group of group_size inputs",
            ["modules"] = new JsonArray(layers.Select(l => (JsonNode)l.Path).ToArray()),
        };
        using var scope = NewDisposeScope();
        var tensors = PlainTensors(model);
        foreach (var (path, layer) in layers)
        {
            var quantized = layer.Quantize();
            tensors[path + ".weight"] = quantized.Codes.to(ScalarType.Int8).contiguous();
            tensors[path + ScaleSuffix] = quantized.Scale.contiguous();
            if (!scheme.Grid.Symmetric) tensors[path + ZeroPointSuffix] = quantized.ZeroPoint.to(ScalarType.Int8).contiguous();
        }
        Write(model, directory, tensors, block);
    }

    /// <summary>Writes <paramref name="model"/> as a plain fp32 model whose quantized layers hold their grid values.</summary>
    public static void WriteFakeQuantized(ILanguageModel model, string directory)
    {
        using var scope = NewDisposeScope();
        var tensors = PlainTensors(model);
        foreach (var (path, layer) in QatTargets.Layers(model)) tensors[path + ".weight"] = layer.QuantizedWeightValues().contiguous();
        Write(model, directory, tensors, block: null);
    }

    /// <summary>
    /// When <paramref name="config"/> carries a <see cref="QuantMethod"/> block, replaces the int8 tensors in
    /// <paramref name="tensors"/> (read from <paramref name="source"/>) by the float32 weights they stand for and drops
    /// the block from the config, so the model loads and saves as a plain model. Does nothing otherwise.
    /// </summary>
    /// <exception cref="ModelFormatException">A tensor the block promises is missing or has the wrong type or shape.</exception>
    public static void Dequantize(ModelConfig config, Dictionary<string, Tensor> tensors, string source)
    {
        if (config.Extra[ConfigKey] is not JsonObject block || block["quant_method"]?.GetValue<string>() != QuantMethod) return;
        var field = $"{ConfigKey} in config.json";
        var scheme = new WeightScheme(new QuantGrid(Int(block, "weight_bits", field), Bool(block, "symmetric", field)), Int(block, "group_size", field));
        var fanInFanOut = Bool(block, "fan_in_fan_out", field);
        if (block["modules"] is not JsonArray modules) throw new ModelFormatException($"{source}: {field}: field 'modules' is missing; expected a list of module paths.");
        foreach (var module in modules.Select(m => m?.GetValue<string>() ?? ""))
        {
            var codes = Required(tensors, module + ".weight", source);
            var scale = Required(tensors, module + ScaleSuffix, source);
            if (codes.dtype != ScalarType.Int8)
                throw new ModelFormatException($"{source}: tensor '{module}.weight' is {codes.dtype}; {field} lists it as quantized, so it must be int8 codes.");
            var outFeatures = fanInFanOut ? codes.shape[1] : codes.shape[0];
            var inFeatures = fanInFanOut ? codes.shape[0] : codes.shape[1];
            var width = scheme.GroupWidth(inFeatures);
            if (inFeatures % width != 0 || !scale.shape.SequenceEqual([outFeatures, inFeatures / width]))
                throw new ModelFormatException(
                    $"{source}: tensor '{module}{ScaleSuffix}' has shape [{string.Join(", ", scale.shape)}]; a weight of {outFeatures} outputs and " +
                    $"{inFeatures} inputs with group_size {scheme.GroupSize} needs [{outFeatures}, {inFeatures / Math.Max(1, width)}].");
            tensors.Remove(module + ScaleSuffix);
            var zeroPoint = tensors.Remove(module + ZeroPointSuffix, out var stored) ? stored : zeros_like(scale);
            using (var quantized = new QuantizedWeight(codes, scale, zeroPoint))
                tensors[module + ".weight"] = scheme.Dequantize(quantized, fanInFanOut);
        }
        config.Extra.Remove(ConfigKey);
    }

    private static Dictionary<string, Tensor> PlainTensors(ILanguageModel model) =>
        model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().to(ScalarType.Float32, CPU).contiguous(), StringComparer.Ordinal);

    private static void Write(ILanguageModel model, string directory, Dictionary<string, Tensor> tensors, JsonObject? block)
    {
        Directory.CreateDirectory(directory);
        var config = model.Config.ToJson();
        config["torch_dtype"] = WeightDType.Float32.HuggingFaceName();
        config.Remove(ConfigKey);
        if (block is not null) config[ConfigKey] = block;
        File.WriteAllText(Path.Combine(directory, CheckpointFiles.Config), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        HuggingFaceCheckpoint.WriteWeights(directory, tensors.ToDictionary(kv => kv.Key, kv => kv.Value.to(CPU), StringComparer.Ordinal));
    }

    private static Tensor Required(Dictionary<string, Tensor> tensors, string name, string source) =>
        tensors.TryGetValue(name, out var tensor) ? tensor
            : throw new ModelFormatException($"{source}: tensor '{name}' is missing; {ConfigKey} in config.json lists its module as quantized.");

    private static int Int(JsonObject block, string name, string field) =>
        block[name] is JsonValue value && value.TryGetValue<int>(out var result) ? result
            : throw new ModelFormatException($"{field}: field '{name}' is {block[name]?.ToJsonString() ?? "missing"}; expected an integer.");

    private static bool Bool(JsonObject block, string name, string field) =>
        block[name] is JsonValue value && value.TryGetValue<bool>(out var result) ? result
            : throw new ModelFormatException($"{field}: field '{name}' is {block[name]?.ToJsonString() ?? "missing"}; expected true or false.");
}
