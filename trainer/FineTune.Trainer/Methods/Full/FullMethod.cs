using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Models;

namespace FineTune.Trainer.Methods.Full;

/// <summary>Full fine-tuning: every parameter of the model trains. The export is the whole model.</summary>
public sealed class FullMethod : IFineTuneMethod
{
    /// <inheritdoc />
    public string Name => "full";

    /// <inheritdoc />
    public void Apply(ILanguageModel model) =>
        ParameterSelection.RequireGradientsOnly(model, TrainableParameterNames(model).ToHashSet(StringComparer.Ordinal));

    /// <inheritdoc />
    public IReadOnlyList<string> TrainableParameterNames(ILanguageModel model) =>
        model.Module.named_parameters().Select(p => p.name).ToArray();

    /// <inheritdoc />
    public SaveMode ResolveSave(SaveMode? requested) => MergedExport.ResolveSave(Name, requested);

    /// <inheritdoc />
    public void Export(ILanguageModel model, string directory, SaveMode kind) => MergedExport.Export(Name, model, directory, kind);
}
