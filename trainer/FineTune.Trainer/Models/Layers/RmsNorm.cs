using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Layers;

/// <summary>
/// Root-mean-square layer norm (Zhang &amp; Sennrich 2019), as Hugging Face's LlamaRMSNorm computes it:
/// y = weight · (x / √(mean(x²) + ε)), the normalisation done in float32 and cast back before the weight.
/// Written here because TorchSharp 0.107 has no nn.RMSNorm. Shapes: [..., hidden] → [..., hidden].
/// </summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    /// <summary>[hidden], initialised to ones.</summary>
    public Parameter weight;

    private readonly double _epsilon;

    /// <summary>Creates the norm over the last dimension of size <paramref name="hidden"/>.</summary>
    public RmsNorm(long hidden, double epsilon) : base(nameof(RmsNorm))
    {
        weight = new Parameter(ones(hidden));
        _epsilon = epsilon;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.to(ScalarType.Float32);
        var variance = x.pow(2).mean(new long[] { -1 }, keepdim: true);
        var normed = x.mul(variance.add(_epsilon).rsqrt()).to(input.dtype);
        return weight.mul(normed).MoveToOuterDisposeScope();
    }
}
