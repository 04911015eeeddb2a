namespace FineTune.Trainer.Methods.Lora;

/// <summary>
/// A module that took the place of a linear layer and adds a low-rank update to it (LoRA's <see cref="LoraLayer"/>,
/// QLoRA's layer over a 4-bit base). Target resolution counts it as the linear layer it wraps and never as a target
/// holder of its own, so its lora_A / lora_B children are not taken for base linear layers.
/// </summary>
public interface IWrappedLinear
{
    /// <summary>Input features of the wrapped layer.</summary>
    long InFeatures { get; }

    /// <summary>Output features of the wrapped layer.</summary>
    long OutFeatures { get; }
}
