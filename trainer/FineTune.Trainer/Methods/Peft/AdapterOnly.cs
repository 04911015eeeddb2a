using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Models;

namespace FineTune.Trainer.Methods.Peft;

/// <summary>
/// The save, export and merge rules every adapter method that cannot fold into the base weights shares (bottleneck
/// adapters, prefixes, soft prompts): the only artifact is the adapter directory, and asking for a merge is an error
/// that says why.
/// </summary>
public static class AdapterOnly
{
    /// <summary>Adapter for null or adapter; the merge error otherwise.</summary>
    public static SaveMode ResolveSave(IPeftMethod method, SaveMode? requested, string whyNot) => requested switch
    {
        null or SaveMode.Adapter => SaveMode.Adapter,
        _ => throw CannotMerge(method, whyNot),
    };

    /// <summary>Saves the adapter for <see cref="SaveMode.Adapter"/>; the merge error for any other kind.</summary>
    public static void Export(IPeftMethod method, ILanguageModel model, string directory, SaveMode kind, string whyNot)
    {
        if (kind != SaveMode.Adapter) throw CannotMerge(method, whyNot);
        method.SaveAdapter(model, directory);
    }

    /// <summary>
    /// The error for a merge of <paramref name="method"/>; <paramref name="whyNot"/> says what keeps it out of the
    /// weights ("its adapters apply a nonlinearity after the layer").
    /// </summary>
    public static NotSupportedException CannotMerge(IPeftMethod method, string whyNot) =>
        new($"method {method.Name} ({method.PeftType}) cannot be merged into the base weights ({whyNot}); " +
            "output.save must be adapter or left out.");
}
