using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Lora;

/// <summary>
/// The low-rank branch LoRA and QLoRA share: scaling · B·A with A: [r, in] (Kaiming-uniform like nn.Linear, as PEFT)
/// and B: [out, r] (zero), added onto whatever the base projection produced. One place for the fused update and the
/// merge delta, whatever the base (a dense weight or a 4-bit one).
/// </summary>
public static class LowRankUpdate
{
    /// <summary>New A (in → r) and B (r → out, zero) on <paramref name="device"/> in <paramref name="dtype"/>.</summary>
    public static (Linear A, Linear B) Create(long inFeatures, long outFeatures, int rank, Device device, ScalarType dtype)
    {
        var a = nn.Linear(inFeatures, rank, hasBias: false);
        var b = nn.Linear(rank, outFeatures, hasBias: false);
        using (no_grad()) b.weight!.zero_();
        if (device.type != DeviceType.CPU || dtype != ScalarType.Float32) { a.to(device).to(dtype); b.to(device).to(dtype); }
        return (a, b);
    }

    /// <summary>
    /// output [N, out] += scaling · (dropped [N, in] · Aᵀ) · Bᵀ in place by one addmm whose alpha carries the scaling:
    /// neither the [N, out] update nor a scaled copy of it is allocated, and backward has no full-size mul (autograd
    /// applies alpha to the rank-r gradients). Safe for autograd as long as the base product did not save its output.
    /// </summary>
    public static void AddInto(Tensor output, Tensor dropped, Linear a, Linear b, double scaling)
    {
        using var low = dropped.mm(a.weight!.t());
        output.addmm_(low, b.weight!.t(), beta: 1.0f, alpha: (float)scaling);
    }

    /// <summary>scaling · B·A in the base weight's layout (transposed for Conv1D) and <paramref name="dtype"/>, without gradient.</summary>
    public static Tensor Delta(Linear a, Linear b, double scaling, bool fanInFanOut, ScalarType dtype)
    {
        using var noGrad = no_grad();
        using var product = b.weight!.matmul(a.weight!);
        using var scaled = product.mul(scaling);
        return (fanInFanOut ? scaled.t() : scaled).to(dtype).contiguous();
    }
}
