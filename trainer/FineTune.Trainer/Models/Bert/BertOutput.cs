using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Bert;

/// <summary>
/// Post-norm residual projection: LayerNorm(dropout(dense(h)) + input). Hugging Face has two classes of this shape,
/// BertSelfOutput (after attention, d → d) and BertOutput (after the feed-forward block, intermediate → d); their
/// parameter names are the same, so one class serves both.
/// </summary>
public sealed class BertOutput : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>[input → d].</summary>
    public nn.Module<Tensor, Tensor> dense;

    /// <summary>Residual norm.</summary>
    public LayerNorm LayerNorm;

    private readonly Dropout dropout;

    /// <summary>Creates the layer for inputs of <paramref name="inputSize"/> features.</summary>
    public BertOutput(BertConfig config, long inputSize) : base(nameof(BertOutput))
    {
        dense = nn.Linear(inputSize, config.HiddenSize);
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
