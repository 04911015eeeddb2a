using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Bert;

/// <summary>Post-norm residual after attention: LayerNorm(dropout(dense(h)) + input).</summary>
public sealed class BertSelfOutput : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>Output projection.</summary>
    public nn.Module<Tensor, Tensor> dense;

    /// <summary>Residual norm.</summary>
    public LayerNorm LayerNorm;

    private readonly Dropout dropout;

    /// <summary>Creates the block.</summary>
    public BertSelfOutput(BertConfig config) : base(nameof(BertSelfOutput))
    {
        dense = nn.Linear(config.HiddenSize, config.HiddenSize);
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
