using FineTune.Trainer.Models;
using static TorchSharp.torch;

namespace FineTune.Trainer.Checkpoints;

/// <summary>
/// Writes a randomly initialised model in Hugging Face layout (config.json + model.safetensors): what the trainer's
/// `init` command produces, since no model hub is reachable. The same seed and config give the same bytes.
/// </summary>
public static class ModelInitializer
{
    /// <summary>
    /// Creates <paramref name="directory"/> with a fresh model for <paramref name="config"/> drawn with
    /// <paramref name="seed"/>. <paramref name="writeTokenizerFiles"/> is called with the directory afterwards so the
    /// caller can add tokenizer files (vocab.json/merges.txt, tokenizer.json, ...) next to the weights.
    /// </summary>
    public static void Write(string directory, ModelConfig config, long seed, WeightDType dtype = WeightDType.Float32,
        Action<string>? writeTokenizerFiles = null)
    {
        var model = ModelRegistry.Create(config);
        try
        {
            Initialization.Redraw(model, new Generator((ulong)seed));
            HuggingFaceCheckpoint.Save(model, directory, dtype);
        }
        finally
        {
            model.Module.Dispose();
        }
        writeTokenizerFiles?.Invoke(directory);
    }
}
