using FineTune.Trainer.Models;

namespace FineTune.Trainer.Methods.Peft;

/// <summary>
/// A fine-tuning method that adds an adapter to a frozen base (lora, adapter, prefix): the unified interface the
/// Hugging Face PEFT library gives Python users. Beyond <see cref="IFineTuneMethod"/> it can save the adapter alone,
/// load a saved adapter onto a base, merge it into the base weights where the method allows, and switch it off so the
/// same model computes the base outputs (RLHF's reference model without a second copy).
/// </summary>
public interface IPeftMethod : IFineTuneMethod
{
    /// <summary>The peft_type written to adapter_config.json ("LORA", "PREFIX_TUNING", "BOTTLENECK", ...).</summary>
    string PeftType { get; }

    /// <summary>True when the adapter can be folded into the base weights (LoRA); false for added computation.</summary>
    bool CanMerge { get; }

    /// <summary>
    /// The adapter's settings as adapter_config.json holds them (peft_type included). Reading this back with
    /// <see cref="PeftRegistry.Create"/> gives a method that applies the same adapter.
    /// </summary>
    PeftConfig ToConfig(ILanguageModel model);

    /// <summary>Folds the adapter into the base weights (idempotent); the outputs stay the same.</summary>
    /// <exception cref="NotSupportedException">The method cannot merge (<see cref="CanMerge"/> is false).</exception>
    void Merge(ILanguageModel model);

    /// <summary>Takes a merged adapter back out of the base weights (idempotent).</summary>
    void Unmerge(ILanguageModel model);

    /// <summary>
    /// Switches the adapter on or off. Off, the model computes exactly the base outputs (a merged adapter is unmerged
    /// first). Trained modulesToSave return to their base values while off.
    /// </summary>
    void SetAdapterEnabled(ILanguageModel model, bool enabled);

    /// <summary>Writes adapter_config.json and adapter_model.safetensors (PEFT key names) into <paramref name="directory"/>.</summary>
    void SaveAdapter(ILanguageModel model, string directory);

    /// <summary>
    /// Applies this method to <paramref name="model"/> and copies the adapter tensors of <paramref name="directory"/>
    /// into it. A tensor the model lacks, or with another shape, is a <see cref="PeftException"/> naming it.
    /// </summary>
    void LoadAdapter(ILanguageModel model, string directory);
}
