using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Bert;

/// <summary>One post-norm encoder block: attention, intermediate, output.</summary>
public sealed class BertLayer : nn.Module<Tensor, Tensor>
{
    /// <summary>Attention sub-block.</summary>
    public BertAttention attention;

    /// <summary>Feed-forward up-projection.</summary>
    public BertIntermediate intermediate;

    /// <summary>Feed-forward down-projection with residual norm.</summary>
    public BertOutput output;

    /// <summary>Creates block <paramref name="layerIndex"/>.</summary>
    public BertLayer(BertConfig config, int layerIndex) : base(nameof(BertLayer))
    {
        attention = new BertAttention(config, layerIndex);
        intermediate = new BertIntermediate(config);
        output = new BertOutput(config, config.IntermediateSize);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden) => Forward(hidden, null);

    /// <summary>Runs the block with an optional padding mask [B, T].</summary>
    public Tensor Forward(Tensor hidden, Tensor? paddingMask)
    {
        using var scope = NewDisposeScope();
        var attended = attention.Forward(hidden, paddingMask);
        return output.forward(intermediate.forward(attended), attended).MoveToOuterDisposeScope();
    }
}
