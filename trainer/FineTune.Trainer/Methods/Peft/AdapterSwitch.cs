using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Models;

namespace FineTune.Trainer.Methods.Peft;

/// <summary>
/// Merge, unmerge and switching off for the methods whose adapter is a set of <see cref="IMergeableLayer"/>s plus
/// modules to save (LoRA, QLoRA): switched off, every layer computes its base and the saved modules their originals,
/// which is how RLHF gets its reference model without a second copy. A switched-off adapter cannot be merged or
/// exported merged.
/// </summary>
/// <param name="adapterName">The adapter's name in errors ("LoRA", "QLoRA").</param>
/// <param name="modulesToSave">The method's modules to save.</param>
public sealed class AdapterSwitch(string adapterName, ModulesToSave modulesToSave)
{
    /// <summary>The method's modules to save (trained copies of whole modules, switched with the adapter).</summary>
    public ModulesToSave ModulesToSave { get; } = modulesToSave;

    /// <summary>False while the adapter is switched off.</summary>
    public bool Enabled { get; private set; } = true;

    /// <summary>Throws when the adapter is switched off; <paramref name="action"/> names what needed it on.</summary>
    public void RequireEnabled(string action)
    {
        if (!Enabled) throw new InvalidOperationException($"the {adapterName} adapter is switched off; switch it on before {action}.");
    }

    /// <summary>Merges every layer.</summary>
    public void Merge(IEnumerable<IMergeableLayer> layers)
    {
        RequireEnabled("merging");
        foreach (var layer in layers) layer.Merge();
    }

    /// <summary>Unmerges every layer.</summary>
    public static void Unmerge(IEnumerable<IMergeableLayer> layers)
    {
        foreach (var layer in layers) layer.Unmerge();
    }

    /// <summary>
    /// Writes one export kind of a mergeable adapter method: the adapter directory, or the merged model through
    /// <paramref name="writeMerged"/> (which must leave the live weights as they are, so training can go on).
    /// </summary>
    public static void Export(IPeftMethod method, ILanguageModel model, string directory, SaveMode kind,
        Action<ILanguageModel, string> writeMerged)
    {
        switch (kind)
        {
            case SaveMode.Adapter:
                method.SaveAdapter(model, directory);
                break;
            case SaveMode.Merged:
                writeMerged(model, directory);
                break;
            default:
                throw new ArgumentException($"export kind {kind}: export adapter and merged one at a time, each into its own directory.");
        }
    }

    /// <summary>Switches the adapter on or off (off unmerges first).</summary>
    public void SetEnabled(ILanguageModel model, IReadOnlyList<IMergeableLayer> layers, bool enabled)
    {
        if (!enabled) Unmerge(layers);
        foreach (var layer in layers) layer.Enabled = enabled;
        ModulesToSave.SetEnabled(model, enabled);
        Enabled = enabled;
    }
}
