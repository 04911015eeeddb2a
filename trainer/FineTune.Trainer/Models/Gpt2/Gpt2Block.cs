using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Gpt2;

/// <summary>One pre-norm GPT-2 block: x + attn(ln_1(x)), then + mlp(ln_2(·)). HF names: ln_1, attn, ln_2, mlp.</summary>
public sealed class Gpt2Block : nn.Module<Tensor, Tensor>
{
    /// <summary>Norm before attention.</summary>
    public LayerNorm ln_1;

    /// <summary>Causal self-attention.</summary>
    public Gpt2Attention attn;

    /// <summary>Norm before the MLP.</summary>
    public LayerNorm ln_2;

    /// <summary>Feed-forward.</summary>
    public Gpt2Mlp mlp;

    /// <summary>Creates block <paramref name="layerIndex"/>.</summary>
    public Gpt2Block(Gpt2Config config, int layerIndex) : base(nameof(Gpt2Block))
    {
        ln_1 = nn.LayerNorm(config.HiddenSize, config.LayerNormEpsilon);
        attn = new Gpt2Attention(config, layerIndex);
        ln_2 = nn.LayerNorm(config.HiddenSize, config.LayerNormEpsilon);
        mlp = new Gpt2Mlp(config);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden) => Forward(hidden, null, null);

    /// <summary>Runs the block with an optional padding mask and cache.</summary>
    public Tensor Forward(Tensor hidden, Tensor? paddingMask, KeyValueCache? cache)
    {
        using var scope = NewDisposeScope();
        var h = hidden.add(attn.Forward(ln_1.forward(hidden), paddingMask, cache));
        return h.add(mlp.forward(ln_2.forward(h))).MoveToOuterDisposeScope();
    }
}
