using System.Text.Json;
using System.Text.Json.Nodes;
using FineTune.Trainer.Models;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace FineTune.Trainer.Checkpoints;

/// <summary>
/// Reads and writes Hugging Face model directories: config.json plus model.safetensors (sharded safetensors and
/// pytorch_model.bin are read too). Files written here load in Hugging Face transformers and back here unchanged.
/// </summary>
public static class HuggingFaceCheckpoint
{
    /// <summary>Reads config.json of <paramref name="directory"/>.</summary>
    public static ModelConfig ReadConfig(string directory)
    {
        var path = Path.Combine(directory, CheckpointFiles.Config);
        if (!Directory.Exists(directory)) throw new ModelFormatException($"{directory}: model directory does not exist.");
        if (!File.Exists(path)) throw new ModelFormatException($"{path}: file not found; a model directory needs config.json.");
        JsonNode? node;
        try { node = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e)
        { throw new ModelFormatException($"{path}: line {e.LineNumber + 1}: not valid JSON ({e.Message}).", e); }
        if (node is not JsonObject json) throw new ModelFormatException($"{path}: expected a JSON object.");
        return ModelRegistry.ReadConfig(json, path);
    }

    /// <summary>
    /// Builds the model described by config.json and loads its weights, converted to <paramref name="dtype"/>
    /// (default float32) and moved to <paramref name="device"/> (default CPU). The model is in eval mode.
    /// </summary>
    public static (ILanguageModel Model, LoadReport Report) Load(string directory, Device? device = null,
        ScalarType dtype = ScalarType.Float32)
    {
        var config = ReadConfig(directory);
        var (tensors, source) = WeightFileReader.Read(directory);
        try
        {
            // A QAT int8 export (integer codes + scales) loads as the plain model its codes stand for.
            Methods.Qat.QatCheckpoint.Dequantize(config, tensors, source);
            var model = ModelRegistry.Create(config);
            var report = StateDictLoader.Load(model, tensors, source);
            model.Module.to(dtype);
            if (device is not null) model.Module.to(device);
            model.Module.eval();
            return (model, report);
        }
        finally
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
        }
    }

    /// <summary>
    /// Writes config.json and model.safetensors for <paramref name="model"/> into <paramref name="directory"/>
    /// (created if needed), with tensors stored as <paramref name="dtype"/>.
    /// </summary>
    public static void Save(ILanguageModel model, string directory, WeightDType dtype = WeightDType.Float32)
    {
        Directory.CreateDirectory(directory);
        var config = model.Config.ToJson();
        config["torch_dtype"] = dtype.HuggingFaceName();
        var options = new JsonSerializerOptions { WriteIndented = true };
        File.WriteAllText(Path.Combine(directory, CheckpointFiles.Config), config.ToJsonString(options) + "\n");

        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, parameter) in model.Module.named_parameters())
            tensors[name] = parameter.detach().to(dtype.ToScalarType(), CPU).contiguous();
        WriteWeights(directory, tensors);
    }

    /// <summary>
    /// Writes <paramref name="tensors"/> as <paramref name="directory"/>/model.safetensors with the PyTorch format
    /// header Transformers expects, through a temporary file renamed last so a reader never sees a partial file.
    /// </summary>
    public static void WriteWeights(string directory, Dictionary<string, Tensor> tensors)
    {
        var target = Path.Combine(directory, CheckpointFiles.Safetensors);
        var raw = target + ".raw";
        var temp = target + ".partial";
        Safetensors.SaveStateDict(raw, tensors);
        SafetensorsHeader.AddPytorchFormat(raw, temp);
        File.Delete(raw);
        File.Move(temp, target, overwrite: true);
    }
}
