using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Bert;

/// <summary>tanh(dense(h[:, 0])): the [CLS] summary used by the classifier; [B, T, d] → [B, d].</summary>
public sealed class BertPooler : nn.Module<Tensor, Tensor>
{
    /// <summary>[d → d].</summary>
    public nn.Module<Tensor, Tensor> dense;

    /// <summary>Creates the pooler.</summary>
    public BertPooler(BertConfig config) : base(nameof(BertPooler))
    {
        dense = nn.Linear(config.HiddenSize, config.HiddenSize);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return dense.forward(hidden.select(1, 0)).tanh().MoveToOuterDisposeScope();
    }
}
