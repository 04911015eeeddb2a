using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Models;

namespace FineTune.Trainer.Methods;

/// <summary>Writes a whole model as a Hugging Face directory: the export of methods that change base weights in place.</summary>
public static class MergedExport
{
    /// <summary>Saves <paramref name="model"/> as config.json + model.safetensors in fp32.</summary>
    public static void Write(ILanguageModel model, string directory) =>
        HuggingFaceCheckpoint.Save(model, directory, WeightDType.Float32);

    /// <summary>The error for an adapter-only export of a method that has no adapter.</summary>
    public static NotSupportedException NoAdapter(string method) =>
        new($"method {method} trains the model's own weights and has no adapter to export; output.save must be merged.");
}
