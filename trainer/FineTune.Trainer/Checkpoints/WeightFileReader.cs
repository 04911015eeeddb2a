using System.Collections;
using System.Text.Json.Nodes;
using FineTune.Trainer.Models;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace FineTune.Trainer.Checkpoints;

/// <summary>
/// Reads every tensor of a model directory's weights: model.safetensors, sharded safetensors (with its index), or a
/// legacy pytorch_model.bin. Tensors keep their on-disk dtype (F32, BF16, F16) and live on the CPU.
/// </summary>
public static class WeightFileReader
{
    /// <summary>Tensor name → tensor, plus the file(s) they came from (for error messages).</summary>
    public static (Dictionary<string, Tensor> Tensors, string Source) Read(string directory)
    {
        var single = Path.Combine(directory, CheckpointFiles.Safetensors);
        var index = Path.Combine(directory, CheckpointFiles.SafetensorsIndex);
        var bin = Path.Combine(directory, CheckpointFiles.PytorchBin);
        if (File.Exists(single)) return (ReadSafetensors(single), single);
        if (File.Exists(index)) return (ReadSharded(directory, index), index);
        if (File.Exists(bin)) return (ReadPickle(bin), bin);
        throw new ModelFormatException(
            $"{directory}: no model weights found; expected {CheckpointFiles.Safetensors}, {CheckpointFiles.SafetensorsIndex} " +
            $"with its shards, or {CheckpointFiles.PytorchBin}.");
    }

    private static Dictionary<string, Tensor> ReadSafetensors(string path)
    {
        try { return Safetensors.LoadStateDict(path); }
        catch (Exception e) when (e is not ModelFormatException)
        { throw new ModelFormatException($"{path}: not a readable safetensors file ({e.Message}).", e); }
    }

    private static Dictionary<string, Tensor> ReadSharded(string directory, string indexPath)
    {
        JsonObject? map;
        try { map = JsonNode.Parse(File.ReadAllText(indexPath))?["weight_map"] as JsonObject; }
        catch (System.Text.Json.JsonException e)
        { throw new ModelFormatException($"{indexPath}: not valid JSON ({e.Message}).", e); }
        if (map is null) throw new ModelFormatException($"{indexPath}: field 'weight_map' is missing; expected an object.");
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var shard in map.Select(kv => kv.Value?.GetValue<string>()).Distinct())
        {
            if (shard is null) continue;
            var path = Path.Combine(directory, shard);
            if (!File.Exists(path)) throw new ModelFormatException($"{indexPath}: shard file '{shard}' does not exist.");
            foreach (var (name, tensor) in ReadSafetensors(path)) result[name] = tensor;
        }
        return result;
    }

    private static Dictionary<string, Tensor> ReadPickle(string path)
    {
        Hashtable table;
        try { table = PyTorchUnpickler.UnpickleStateDict(path); }
        catch (Exception e) { throw new ModelFormatException($"{path}: not a readable PyTorch state dict ({e.Message}).", e); }
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
            if (entry.Key is string name && entry.Value is Tensor tensor) result[name] = tensor;
        return result;
    }
}
