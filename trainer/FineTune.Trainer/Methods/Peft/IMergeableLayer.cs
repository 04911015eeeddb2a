namespace FineTune.Trainer.Methods.Peft;

/// <summary>A layer carrying a mergeable low-rank update (LoRA over a dense or a 4-bit base).</summary>
public interface IMergeableLayer
{
    /// <summary>False while the update is switched off: the layer computes its base.</summary>
    bool Enabled { get; set; }

    /// <summary>Folds the update into the weight the layer computes with (no-op when merged).</summary>
    void Merge();

    /// <summary>Takes the update back out (no-op when not merged).</summary>
    void Unmerge();
}
