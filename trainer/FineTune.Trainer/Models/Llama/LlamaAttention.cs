using FineTune.Trainer.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Llama;

/// <summary>
/// Llama-family attention: q_proj/k_proj/v_proj (k/v with num_key_value_heads: grouped-query attention, Ainslie et
/// al. 2023), rotary embedding on q and k, causal attention, o_proj. x [B, T, d] → [B, T, d].
/// </summary>
public sealed class LlamaAttention : nn.Module<Tensor, Tensor>, IAttention
{
    /// <summary>Query projection [d → H·D].</summary>
    public nn.Module<Tensor, Tensor> q_proj;

    /// <summary>Key projection [d → Hkv·D].</summary>
    public nn.Module<Tensor, Tensor> k_proj;

    /// <summary>Value projection [d → Hkv·D].</summary>
    public nn.Module<Tensor, Tensor> v_proj;

    /// <summary>Output projection [H·D → d].</summary>
    public nn.Module<Tensor, Tensor> o_proj;

    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;
    private readonly double _dropout;

    /// <summary>Creates the attention of block <paramref name="layerIndex"/>.</summary>
    public LlamaAttention(LlamaConfig config, int layerIndex) : base(nameof(LlamaAttention))
    {
        LayerIndex = layerIndex;
        _heads = config.NumHeads;
        _kvHeads = config.NumKeyValueHeads;
        _headDim = config.HeadDim;
        _dropout = config.AttentionDropout;
        q_proj = nn.Linear(config.HiddenSize, (long)_heads * _headDim, hasBias: config.QkvBias);
        k_proj = nn.Linear(config.HiddenSize, (long)_kvHeads * _headDim, hasBias: config.QkvBias);
        v_proj = nn.Linear(config.HiddenSize, (long)_kvHeads * _headDim, hasBias: config.QkvBias);
        o_proj = nn.Linear((long)_heads * _headDim, config.HiddenSize, hasBias: config.OutputBias);
        RegisterComponents();
    }

    /// <inheritdoc />
    public int LayerIndex { get; }

    /// <inheritdoc />
    public int NumKeyValueHeads => _kvHeads;

    /// <inheritdoc />
    public int HeadDim => _headDim;

    /// <inheritdoc />
    public IKeyValuePrefix? Prefix { get; set; }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden) =>
        throw new NotSupportedException("LlamaAttention needs rotary cos/sin; call Forward.");

    /// <summary>Attention for <paramref name="hidden"/> [B, T, d] with rotary <paramref name="cos"/>/<paramref name="sin"/> [B, 1, T, D].</summary>
    public Tensor Forward(Tensor hidden, Tensor cos, Tensor sin, Tensor? paddingMask, KeyValueCache? cache)
    {
        using var scope = NewDisposeScope();
        long b = hidden.shape[0], t = hidden.shape[1];
        var q = q_proj.forward(hidden).view(b, t, _heads, _headDim).transpose(1, 2);
        var k = k_proj.forward(hidden).view(b, t, _kvHeads, _headDim).transpose(1, 2);
        var v = v_proj.forward(hidden).view(b, t, _kvHeads, _headDim).transpose(1, 2);
        q = RotaryEmbedding.Apply(q, cos, sin);
        k = RotaryEmbedding.Apply(k, cos, sin);
        (k, v) = KeyValueSources.Gather(LayerIndex, k, v, cache, Prefix);
        var attended = ScaledAttention.Attend(q, k, v, paddingMask, causal: true, _dropout, training);
        return o_proj.forward(attended).MoveToOuterDisposeScope();
    }
}
