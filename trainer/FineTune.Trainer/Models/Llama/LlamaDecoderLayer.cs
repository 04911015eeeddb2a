using FineTune.Trainer.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Llama;

/// <summary>
/// One pre-norm Llama block: x + self_attn(input_layernorm(x)), then + mlp(post_attention_layernorm(·)).
/// </summary>
public sealed class LlamaDecoderLayer : nn.Module<Tensor, Tensor>
{
    /// <summary>Attention.</summary>
    public LlamaAttention self_attn;

    /// <summary>SwiGLU MLP.</summary>
    public LlamaMlp mlp;

    /// <summary>RMSNorm before attention.</summary>
    public RmsNorm input_layernorm;

    /// <summary>RMSNorm before the MLP.</summary>
    public RmsNorm post_attention_layernorm;

    /// <summary>Creates block <paramref name="layerIndex"/>.</summary>
    public LlamaDecoderLayer(LlamaConfig config, int layerIndex) : base(nameof(LlamaDecoderLayer))
    {
        self_attn = new LlamaAttention(config, layerIndex);
        mlp = new LlamaMlp(config);
        input_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEpsilon);
        post_attention_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEpsilon);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden) =>
        throw new NotSupportedException("LlamaDecoderLayer needs rotary cos/sin; call Forward.");

    /// <summary>Runs the block.</summary>
    public Tensor Forward(Tensor hidden, Tensor cos, Tensor sin, Tensor? paddingMask, KeyValueCache? cache)
    {
        using var scope = NewDisposeScope();
        var h = hidden.add(self_attn.Forward(input_layernorm.forward(hidden), cos, sin, paddingMask, cache));
        return h.add(mlp.forward(post_attention_layernorm.forward(h))).MoveToOuterDisposeScope();
    }
}
