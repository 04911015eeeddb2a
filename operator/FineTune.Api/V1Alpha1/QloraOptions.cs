using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>QLoRA (Dettmers et al., 2023): LoRA over a base whose linear weights are stored in 4 bits per block.</summary>
public sealed class QloraOptions : LoraOptions
{
    /// <summary>4-bit data type of the base weights: nf4 or fp4.</summary>
    public QuantType QuantType { get; set; } = QuantType.Nf4;

    /// <summary>Weights sharing one absmax scale.</summary>
    [AllowedIntegers(32, 64, 128, 256)]
    public int BlockSize { get; set; } = 64;

    /// <summary>Quantize the per-block scales too (8-bit, blocks of 256), saving about 0.37 bits per weight.</summary>
    public bool DoubleQuant { get; set; } = true;

    /// <summary>Precision the dequantized weights are computed in.</summary>
    public Precision ComputeDtype { get; set; } = Precision.Bf16;
}
