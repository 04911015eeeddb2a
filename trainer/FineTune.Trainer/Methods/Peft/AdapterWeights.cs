using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using FineTune.Trainer.Models;
using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Peft;

/// <summary>Reads and writes adapter_model.safetensors and copies its tensors into the adapter's parameters, checked.</summary>
public static class AdapterWeights
{
    private const int Listed = 8;

    /// <summary>Writes <paramref name="tensors"/> (PEFT keys → values) as fp32 into <paramref name="directory"/>.</summary>
    public static void Save(string directory, IReadOnlyDictionary<string, Tensor> tensors)
    {
        Directory.CreateDirectory(directory);
        using var scope = NewDisposeScope();
        var cpu = tensors.ToDictionary(kv => kv.Key, kv => kv.Value.detach().to(ScalarType.Float32, CPU).contiguous(), StringComparer.Ordinal);
        var target = Path.Combine(directory, AdapterFiles.Weights);
        Safetensors.SaveStateDict(target + ".partial", cpu);
        File.Move(target + ".partial", target, overwrite: true);
    }

    /// <summary>
    /// Writes the config and every trainable parameter of a method whose adapter is exactly its trainable parameters
    /// (LoRA, bottleneck adapters), under PEFT keys.
    /// </summary>
    public static void SaveTrainable(IPeftMethod method, ILanguageModel model, string directory)
    {
        method.ToConfig(model).Write(directory);
        var parameters = model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Save(directory, method.TrainableParameterNames(model).ToDictionary(n => AdapterFiles.KeyPrefix + n, n => (Tensor)parameters[n]));
    }

    /// <summary>Applies <paramref name="method"/> and loads its trainable parameters saved by <see cref="SaveTrainable"/>.</summary>
    public static void LoadTrainable(IPeftMethod method, ILanguageModel model, string directory)
    {
        method.Apply(model);
        var parameters = model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Load(directory, method.TrainableParameterNames(model).ToDictionary(n => AdapterFiles.KeyPrefix + n, n => parameters[n]),
            model.Config.ModelType);
    }

    /// <summary>
    /// Copies the tensors of <paramref name="directory"/> into <paramref name="expected"/> (PEFT key → parameter).
    /// Every expected key must be in the file with the parameter's shape, and the file must hold nothing else.
    /// </summary>
    public static void Load(string directory, IReadOnlyDictionary<string, Parameter> expected, string modelType)
    {
        var path = Path.Combine(directory, AdapterFiles.Weights);
        if (!File.Exists(path)) throw new PeftException($"{path}: file not found; the adapter's tensors are missing.");
        var tensors = Safetensors.LoadStateDict(path);
        try
        {
            var missing = expected.Keys.Where(k => !tensors.ContainsKey(k)).ToList();
            var extra = tensors.Keys.Where(k => !expected.ContainsKey(k)).ToList();
            if (missing.Count > 0)
                throw new PeftException(
                    $"{path}: the adapter does not fit this {modelType} base: {missing.Count} tensor(s) missing: {List(missing)}" +
                    (extra.Count > 0 ? $"; the file has instead: {List(extra)}." : "."));
            if (extra.Count > 0)
                throw new PeftException(
                    $"{path}: {extra.Count} tensor(s) match no module of this {modelType} base: {List(extra)}.");
            foreach (var (key, parameter) in expected)
            {
                var value = tensors[key];
                if (!value.shape.SequenceEqual(parameter.shape))
                    throw new PeftException(
                        $"{path}: tensor '{key}' has shape {Shape(value.shape)} in the adapter but the base model needs " +
                        $"{Shape(parameter.shape)}: the adapter was trained on a base with other dimensions.");
            }
            using var noGrad = no_grad();
            foreach (var (key, parameter) in expected) parameter.copy_(tensors[key]);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>[d0, d1, ...] for messages.</summary>
    public static string Shape(long[] shape) => "[" + string.Join(", ", shape) + "]";

    private static string List(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(Listed).Select(n => $"'{n}'")) + (names.Count > Listed ? $" and {names.Count - Listed} more" : "");
}
