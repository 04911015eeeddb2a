using FineTune.Trainer.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Prefix;

/// <summary>
/// Learned key/value prefixes for every attention layer. P virtual tokens each get a row of width
/// W = layers · 2 · kv_heads · head_dim, laid out as PEFT lays out past_key_values ([layer, key|value, head, dim]).
/// Prefix tuning (Li and Liang, 2021, arXiv 2101.00190) produces the rows through a reparameterisation MLP from a
/// [P, d] embedding (transform: d → hidden → W, tanh); P-tuning v2 (Liu et al., 2022, arXiv 2110.07602) learns the
/// [P, W] rows directly (no transform). The prefix keys carry no rotary position; as in Hugging Face (they are the past key/values) the real tokens' positions start at P.
/// </summary>
public sealed class PrefixEncoder : nn.Module<Tensor, Tensor>, IKeyValuePrefix
{
    /// <summary>[P, d] with a transform, [P, W] without.</summary>
    public Embedding embedding;

    /// <summary>The reparameterisation MLP (null for P-tuning v2 and for loaded adapters).</summary>
    public Sequential? transform;

    private readonly int _layers;
    private readonly int _kvHeads;
    private readonly int _headDim;

    /// <summary>Creates the encoder for <paramref name="virtualTokens"/> tokens.</summary>
    public PrefixEncoder(int virtualTokens, int layers, int kvHeads, int headDim, int tokenDim, int? projectionHiddenSize)
        : base(nameof(PrefixEncoder))
    {
        _layers = layers;
        _kvHeads = kvHeads;
        _headDim = headDim;
        VirtualTokens = virtualTokens;
        long width = Width;
        if (projectionHiddenSize is int hidden)
        {
            embedding = nn.Embedding(virtualTokens, tokenDim);
            transform = nn.Sequential(nn.Linear(tokenDim, hidden), nn.Tanh(), nn.Linear(hidden, width));
        }
        else
        {
            embedding = nn.Embedding(virtualTokens, width);
        }
        RegisterComponents();
    }

    /// <summary>Number of virtual tokens P.</summary>
    public int VirtualTokens { get; }

    /// <inheritdoc />
    public int Length => VirtualTokens;

    /// <summary>Row width W = layers · 2 · kv_heads · head_dim.</summary>
    public long Width => 2L * _layers * _kvHeads * _headDim;

    /// <summary>The [P, W] rows every layer's keys and values are cut from.</summary>
    public Tensor Rows() => transform is null ? embedding.weight!.view(VirtualTokens, -1) : transform.forward(embedding.weight!);

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => Rows();

    /// <inheritdoc />
    public (Tensor Key, Tensor Value) KeysAndValues(int layerIndex, long batchSize)
    {
        using var scope = NewDisposeScope();
        // [P, L, 2, H, D] → this layer's keys and values, each [B, H, P, D].
        var rows = Rows().view(VirtualTokens, _layers, 2, _kvHeads, _headDim)[.., layerIndex];
        var key = rows[.., 0].permute(1, 0, 2).unsqueeze(0).expand(batchSize, -1, -1, -1);
        var value = rows[.., 1].permute(1, 0, 2).unsqueeze(0).expand(batchSize, -1, -1, -1);
        return (key.MoveToOuterDisposeScope(), value.MoveToOuterDisposeScope());
    }
}
