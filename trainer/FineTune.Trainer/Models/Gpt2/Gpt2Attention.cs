using FineTune.Trainer.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Gpt2;

/// <summary>
/// GPT-2 causal self-attention: c_attn projects x [B, T, d] to q, k, v (one Conv1D, [d, 3d]), heads attend causally,
/// c_proj maps back to d, then residual dropout. HF names: attn.c_attn, attn.c_proj.
/// </summary>
public sealed class Gpt2Attention : nn.Module<Tensor, Tensor>, IAttention
{
    /// <summary>Joint q/k/v projection (a Conv1D, or an adapter wrapping one).</summary>
    public nn.Module<Tensor, Tensor> c_attn;

    /// <summary>Output projection.</summary>
    public nn.Module<Tensor, Tensor> c_proj;

    private readonly Dropout resid_dropout;
    private readonly int _heads;
    private readonly int _headDim;
    private readonly double _attentionDropout;

    /// <summary>Creates the attention of block <paramref name="layerIndex"/>.</summary>
    public Gpt2Attention(Gpt2Config config, int layerIndex) : base(nameof(Gpt2Attention))
    {
        LayerIndex = layerIndex;
        _heads = config.NumHeads;
        _headDim = config.HeadDim;
        _attentionDropout = config.AttentionDropout;
        c_attn = new Conv1D(config.HiddenSize, 3L * config.HiddenSize);
        c_proj = new Conv1D(config.HiddenSize, config.HiddenSize);
        resid_dropout = nn.Dropout(config.ResidualDropout);
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
    public override Tensor forward(Tensor hidden) => Forward(hidden, null, null);

    /// <summary>Attention for <paramref name="hidden"/> [B, T, d]; mask and cache as in <see cref="ICausalLanguageModel.Forward"/>.</summary>
    public Tensor Forward(Tensor hidden, Tensor? paddingMask, KeyValueCache? cache)
    {
        using var scope = NewDisposeScope();
        long b = hidden.shape[0], t = hidden.shape[1];
        var qkv = c_attn.forward(hidden).view(b, t, 3, _heads, _headDim).permute(2, 0, 3, 1, 4); // [3, B, H, T, D]
        var (q, k, v) = (qkv[0], qkv[1], qkv[2]);
        (k, v) = KeyValueSources.Gather(LayerIndex, k, v, cache, Prefix);
        var attended = ScaledAttention.Attend(q, k, v, paddingMask, causal: true, _attentionDropout, training);
        return resid_dropout.forward(c_proj.forward(attended)).MoveToOuterDisposeScope();
    }
}
