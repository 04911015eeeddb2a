using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>
/// Quantization-aware fine-tuning: linear weights (and optionally activations) pass through fake quantization with a
/// straight-through estimator, so the model learns to tolerate the grid it will be stored on.
/// </summary>
public sealed class QatOptions
{
    /// <summary>Bits per weight.</summary>
    [AllowedIntegers(4, 8)]
    public int WeightBits { get; set; } = 8;

    /// <summary>Bits per activation at linear-layer inputs; left out: activations stay in floating point.</summary>
    [AllowedIntegers(4, 8)]
    public int? ActivationBits { get; set; }

    /// <summary>Weights sharing one scale along the input dimension; 0 means one scale per output channel.</summary>
    [AllowedIntegers(0, 32, 64, 128, 256)]
    public int GroupSize { get; set; }

    /// <summary>Train this many steps in floating point before fake quantization starts.</summary>
    [Minimum(0)]
    public long FakeQuantAfterSteps { get; set; }

    /// <summary>Symmetric (zero point 0) or asymmetric weight grids.</summary>
    public bool Symmetric { get; set; } = true;

    /// <summary>int8 (integer weights and scales) or fp32 (weights rounded to the grid).</summary>
    public QatExport Export { get; set; } = QatExport.Int8;
}
