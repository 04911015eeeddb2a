namespace FineTune.Trainer.Methods.Qat;

/// <summary>
/// The integer grid of a quantizer: codes qmin..qmax, value = (code - zero_point) · scale.
/// Symmetric grids are the restricted signed range [-(2^(b-1) - 1), 2^(b-1) - 1] with zero point 0 (2^b - 1 codes,
/// symmetric around zero, so -max and max are both exact; int8 -127..127, int4 -7..7). Asymmetric grids use the full
/// signed range [-2^(b-1), 2^(b-1) - 1] (2^b codes) with an integer zero point inside it, so codes and zero points of
/// both kinds fit int8 containers, 4-bit ones included.
/// </summary>
/// <param name="Bits">Bits per code (4 or 8).</param>
/// <param name="Symmetric">True: zero point 0 and the restricted range; false: full range and a zero point.</param>
public sealed record QuantGrid(int Bits, bool Symmetric)
{
    /// <summary>
    /// Smallest scale, so an all-zero channel or token still divides safely (float32 machine epsilon, as PyTorch's
    /// observers use); such a channel quantizes to its zero point.
    /// </summary>
    public const float MinScale = 1.1920929e-07f;

    /// <summary>Smallest code.</summary>
    public int QMin => Symmetric ? -((1 << (Bits - 1)) - 1) : -(1 << (Bits - 1));

    /// <summary>Largest code.</summary>
    public int QMax => (1 << (Bits - 1)) - 1;

    /// <summary>Number of distinct codes.</summary>
    public int Levels => QMax - QMin + 1;
}
