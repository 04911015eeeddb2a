using System.Text.Json;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Models;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Peft;

/// <summary>
/// Writes a model whose adapter has been merged as a plain Hugging Face directory (config.json + model.safetensors in
/// fp32), leaving the adapter's own tensors out, so it loads with no trace of the adapter.
/// </summary>
public static class MergedModelWriter
{
    /// <summary>
    /// Saves every parameter of <paramref name="model"/> except those <paramref name="isAdapter"/> names; where
    /// <paramref name="merged"/> gives a tensor for a name it is written instead of the parameter (the model is not changed).
    /// A name of <paramref name="merged"/> that is no parameter is written too (a base weight the method holds in
    /// another form, such as QLoRA's 4-bit weights, dequantized and merged).
    /// </summary>
    public static void Write(ILanguageModel model, string directory, Func<string, bool> isAdapter,
        IReadOnlyDictionary<string, Tensor>? merged = null)
    {
        Directory.CreateDirectory(directory);
        var config = model.Config.ToJson();
        config["torch_dtype"] = WeightDType.Float32.HuggingFaceName();
        File.WriteAllText(Path.Combine(directory, CheckpointFiles.Config),
            config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        using var scope = NewDisposeScope();
        var tensors = model.Module.named_parameters().Where(p => !isAdapter(p.name))
            .ToDictionary(p => p.name, p => (merged is not null && merged.TryGetValue(p.name, out var m) ? m : p.parameter).detach().to(ScalarType.Float32, CPU).contiguous(), StringComparer.Ordinal);
        foreach (var (name, tensor) in merged ?? new Dictionary<string, Tensor>())
            tensors.TryAdd(name, tensor.detach().to(ScalarType.Float32, CPU).contiguous());
        var target = Path.Combine(directory, CheckpointFiles.Safetensors);
        Safetensors.SaveStateDict(target + ".partial", tensors);
        File.Move(target + ".partial", target, overwrite: true);
    }
}
