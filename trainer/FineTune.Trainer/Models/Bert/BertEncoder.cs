using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Bert;

/// <summary>The stack of encoder blocks (HF name "layer").</summary>
public sealed class BertEncoder : nn.Module<Tensor, Tensor>
{
    /// <summary>Blocks, bottom first.</summary>
    public ModuleList<BertLayer> layer;

    /// <summary>Creates the stack.</summary>
    public BertEncoder(BertConfig config) : base(nameof(BertEncoder))
    {
        layer = new ModuleList<BertLayer>(Enumerable.Range(0, config.NumLayers).Select(i => new BertLayer(config, i)).ToArray());
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden) => Forward(hidden, null);

    /// <summary>Runs every block.</summary>
    public Tensor Forward(Tensor hidden, Tensor? paddingMask)
    {
        using var scope = NewDisposeScope();
        foreach (var block in layer) hidden = block.Forward(hidden, paddingMask);
        return hidden.MoveToOuterDisposeScope();
    }
}
