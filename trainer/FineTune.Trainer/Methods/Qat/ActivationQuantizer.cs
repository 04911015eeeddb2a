using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Qat;

/// <summary>
/// Dynamic fake quantization of a linear layer's input: asymmetric (inputs after GELU/SiLU are skewed), min-max
/// observed afresh on every call, one scale and zero point per token (per row of the last dimension). Per token rather
/// than per tensor so that a sequence's outputs never depend on the other sequences of its batch, on padding, or on
/// whether generation uses the key/value cache (what int8 runtimes with dynamic per-token activations compute).
/// </summary>
/// <param name="Grid">The activation grid (asymmetric).</param>
public sealed record ActivationQuantizer(QuantGrid Grid)
{
    /// <summary>Fake-quantized <paramref name="input"/> [..., in] in its own dtype, with straight-through gradients.</summary>
    public Tensor Apply(Tensor input)
    {
        using var scope = NewDisposeScope();
        var values = input.to(ScalarType.Float32);
        QuantParameters parameters;
        using (no_grad()) parameters = QuantParameters.Observe(values.detach(), Grid);
        using (parameters)
            return FakeQuantize.Apply(values, parameters, Grid).to(input.dtype).MoveToOuterDisposeScope();
    }
}
