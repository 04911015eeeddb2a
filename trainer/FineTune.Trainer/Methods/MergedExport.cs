using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Models;

namespace FineTune.Trainer.Methods;

/// <summary>
/// Writes a whole model as a Hugging Face directory: the export of methods that change base weights in place (full,
/// frozen), with the save rules they share.
/// </summary>
public static class MergedExport
{
    /// <summary>Saves <paramref name="model"/> as config.json + model.safetensors in fp32.</summary>
    public static void Write(ILanguageModel model, string directory) =>
        HuggingFaceCheckpoint.Save(model, directory, WeightDType.Float32);

    /// <summary>Merged for null or merged; the no-adapter error for method <paramref name="method"/> otherwise.</summary>
    public static SaveMode ResolveSave(string method, SaveMode? requested) => requested switch
    {
        null or SaveMode.Merged => SaveMode.Merged,
        _ => throw NoAdapter(method),
    };

    /// <summary>Writes the model for <see cref="SaveMode.Merged"/>; the no-adapter error for any other kind.</summary>
    public static void Export(string method, ILanguageModel model, string directory, SaveMode kind)
    {
        if (kind != SaveMode.Merged) throw NoAdapter(method);
        Write(model, directory);
    }

    /// <summary>The error for an adapter-only export of a method that has no adapter.</summary>
    public static NotSupportedException NoAdapter(string method) =>
        new($"method {method} trains the model's own weights and has no adapter to export; output.save must be merged.");
}
