using System.Text.Json;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Models;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace FineTune.Trainer.Training.Checkpointing;

/// <summary>
/// Writes and reads one checkpoint directory: config.json and model.safetensors (every parameter of the model as the
/// method left it, in fp32, trained ones from the optimizer's fp32 masters; for full and frozen this is a loadable
/// Hugging Face model), optimizer.safetensors (AdamW moments, and bf16 masters) and trainer_state.json, written last.
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>The file whose presence marks a complete checkpoint.</summary>
    public const string StateFile = "trainer_state.json";

    /// <summary>Optimizer tensors.</summary>
    public const string OptimizerFile = "optimizer.safetensors";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Writes the checkpoint into <paramref name="directory"/>.</summary>
    public static void Write(string directory, ILanguageModel model, MasterWeightAdamW optimizer, TrainingState state)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, CheckpointFiles.Config), model.Config.ToJson().ToJsonString(Json) + "\n");
        using (var scope = NewDisposeScope())
        {
            var masters = optimizer.Masters.ToDictionary(m => m.Name, m => m.Master, StringComparer.Ordinal);
            var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var (name, parameter) in model.Module.named_parameters())
                tensors[name] = (masters.TryGetValue(name, out var master) ? master : parameter).detach().to(ScalarType.Float32, CPU).contiguous();
            Safetensors.SaveStateDict(Path.Combine(directory, CheckpointFiles.Safetensors), tensors);
            var optimizerState = optimizer.StateTensors().ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().contiguous());
            Safetensors.SaveStateDict(Path.Combine(directory, OptimizerFile), optimizerState);
        }
        File.WriteAllText(Path.Combine(directory, StateFile), JsonSerializer.Serialize(state, Json));
    }

    /// <summary>Reads trainer_state.json of <paramref name="directory"/>.</summary>
    public static TrainingState ReadState(string directory)
    {
        var path = Path.Combine(directory, StateFile);
        return JsonSerializer.Deserialize<TrainingState>(File.ReadAllText(path))
            ?? throw new InvalidOperationException($"{path}: empty training state");
    }

    /// <summary>
    /// Copies every parameter of <paramref name="directory"/>'s model.safetensors into <paramref name="model"/> by
    /// name; a missing, extra or mis-shaped tensor is an error naming it. Call before the model is cast to bf16.
    /// </summary>
    public static void LoadWeights(string directory, ILanguageModel model)
    {
        var path = Path.Combine(directory, CheckpointFiles.Safetensors);
        var tensors = Safetensors.LoadStateDict(path);
        try
        {
            var parameters = model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
            var missing = parameters.Keys.Where(k => !tensors.ContainsKey(k)).ToList();
            var extra = tensors.Keys.Where(k => !parameters.ContainsKey(k)).ToList();
            if (missing.Count > 0 || extra.Count > 0)
                throw new InvalidOperationException(
                    $"{path}: the checkpoint does not fit the model: missing [{string.Join(", ", missing.Take(5))}], unexpected [{string.Join(", ", extra.Take(5))}]");
            using var noGrad = no_grad();
            foreach (var (name, parameter) in parameters)
            {
                var value = tensors[name];
                if (!value.shape.SequenceEqual(parameter.shape))
                    throw new InvalidOperationException(
                        $"{path}: tensor '{name}' has shape [{string.Join(", ", value.shape)}], the model expects [{string.Join(", ", parameter.shape)}]");
                parameter.copy_(value);
            }
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>Restores the optimizer state of <paramref name="directory"/> into <paramref name="optimizer"/>.</summary>
    public static void LoadOptimizer(string directory, MasterWeightAdamW optimizer, long steps)
    {
        var path = Path.Combine(directory, OptimizerFile);
        var tensors = Safetensors.LoadStateDict(path);
        try
        {
            optimizer.LoadState(tensors, steps, path);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }
}
