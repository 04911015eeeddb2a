using FineTune.Trainer.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Bert;

/// <summary>Bidirectional multi-head attention: query, key, value projections; [B, T, d] → [B, T, d] (before output).</summary>
public sealed class BertSelfAttention : nn.Module<Tensor, Tensor>, IAttention
{
    /// <summary>Query projection.</summary>
    public nn.Module<Tensor, Tensor> query;

    /// <summary>Key projection.</summary>
    public nn.Module<Tensor, Tensor> key;

    /// <summary>Value projection.</summary>
    public nn.Module<Tensor, Tensor> value;

    private readonly int _heads;
    private readonly int _headDim;
    private readonly double _dropout;

    /// <summary>Creates the attention of block <paramref name="layerIndex"/>.</summary>
    public BertSelfAttention(BertConfig config, int layerIndex) : base(nameof(BertSelfAttention))
    {
        LayerIndex = layerIndex;
        _heads = config.NumHeads;
        _headDim = config.HeadDim;
        _dropout = config.AttentionDropout;
        query = nn.Linear(config.HiddenSize, config.HiddenSize);
        key = nn.Linear(config.HiddenSize, config.HiddenSize);
        value = nn.Linear(config.HiddenSize, config.HiddenSize);
        RegisterComponents();
    }

    /// <inheritdoc />
    public int LayerIndex { get; }

    /// <inheritdoc />
    public int NumKeyValueHeads => _heads;

    /// <inheritdoc />
    public int HeadDim => _headDim;

    /// <inheritdoc />
    public IKeyValuePrefix? Prefix { get; set; }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden) => Forward(hidden, null);

    /// <summary>Attends every token to every real (unpadded) token.</summary>
    public Tensor Forward(Tensor hidden, Tensor? paddingMask)
    {
        using var scope = NewDisposeScope();
        long b = hidden.shape[0], t = hidden.shape[1];
        var q = query.forward(hidden).view(b, t, _heads, _headDim).transpose(1, 2);
        var k = key.forward(hidden).view(b, t, _heads, _headDim).transpose(1, 2);
        var v = value.forward(hidden).view(b, t, _heads, _headDim).transpose(1, 2);
        (k, v) = KeyValueSources.Gather(LayerIndex, k, v, null, Prefix);
        return ScaledAttention.Attend(q, k, v, paddingMask, causal: false, _dropout, training).MoveToOuterDisposeScope();
    }
}
