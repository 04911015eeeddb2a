using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Bert;

/// <summary>Feed-forward down-projection with post-norm residual: LayerNorm(dropout(dense(h)) + input).</summary>
public sealed class BertOutput : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>[intermediate → d].</summary>
    public nn.Module<Tensor, Tensor> dense;

    /// <summary>Residual norm.</summary>
    public LayerNorm LayerNorm;

    private readonly Dropout dropout;

    /// <summary>Creates the layer.</summary>
    public BertOutput(BertConfig config) : base(nameof(BertOutput))
    {
        dense = nn.Linear(config.IntermediateSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEpsilon);
        dropout = nn.Dropout(config.HiddenDropout);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden, Tensor input)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.forward(dropout.forward(dense.forward(hidden)).add(input)).MoveToOuterDisposeScope();
    }
}
