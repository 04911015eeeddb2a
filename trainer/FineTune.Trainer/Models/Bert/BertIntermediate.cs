using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Bert;

/// <summary>Feed-forward up-projection with exact (erf) GELU: gelu(dense(x)).</summary>
public sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
    /// <summary>[d → intermediate].</summary>
    public nn.Module<Tensor, Tensor> dense;

    /// <summary>Creates the layer.</summary>
    public BertIntermediate(BertConfig config) : base(nameof(BertIntermediate))
    {
        dense = nn.Linear(config.HiddenSize, config.IntermediateSize);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden)
    {
        using var projected = dense.forward(hidden);
        return nn.functional.gelu(projected);
    }
}
