using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Qat;

/// <summary>
/// One linear weight in integer form: value = (code - zero_point) · scale, scale and zero point per [out, group].
/// </summary>
/// <param name="Codes">Integer codes in the layer's weight layout (float32 or int8 tensor).</param>
/// <param name="Scale">Scales [out, groups] (float32).</param>
/// <param name="ZeroPoint">Zero points [out, groups] (integers; all zero on symmetric grids).</param>
public sealed record QuantizedWeight(Tensor Codes, Tensor Scale, Tensor ZeroPoint) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        Codes.Dispose();
        Scale.Dispose();
        ZeroPoint.Dispose();
    }
}
