using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Bert;

/// <summary>Attention sub-block: self (multi-head attention) then output (projection, residual, norm).</summary>
public sealed class BertAttention : nn.Module<Tensor, Tensor>
{
    /// <summary>The attention proper (HF name "self").</summary>
    public BertSelfAttention self;

    /// <summary>Projection + residual + LayerNorm.</summary>
    public BertOutput output;

    /// <summary>Creates the sub-block of layer <paramref name="layerIndex"/>.</summary>
    public BertAttention(BertConfig config, int layerIndex) : base(nameof(BertAttention))
    {
        self = new BertSelfAttention(config, layerIndex);
        output = new BertOutput(config, config.HiddenSize);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden) => Forward(hidden, null);

    /// <summary>Runs attention with an optional padding mask [B, T].</summary>
    public Tensor Forward(Tensor hidden, Tensor? paddingMask)
    {
        using var attended = self.Forward(hidden, paddingMask);
        return output.forward(attended, hidden);
    }
}
