using FineTune.Trainer.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Gpt2;

/// <summary>GPT-2 feed-forward: c_proj(gelu_new(c_fc(x))) then dropout; [B, T, d] → [B, T, d].</summary>
public sealed class Gpt2Mlp : nn.Module<Tensor, Tensor>
{
    /// <summary>Up projection [d, inner].</summary>
    public nn.Module<Tensor, Tensor> c_fc;

    /// <summary>Down projection [inner, d].</summary>
    public nn.Module<Tensor, Tensor> c_proj;

    private readonly Dropout dropout;

    /// <summary>Creates the MLP.</summary>
    public Gpt2Mlp(Gpt2Config config) : base(nameof(Gpt2Mlp))
    {
        c_fc = new Conv1D(config.HiddenSize, config.MlpSize);
        c_proj = new Conv1D(config.MlpSize, config.HiddenSize);
        dropout = nn.Dropout(config.ResidualDropout);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        // gelu_new is GELU's tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
        var h = nn.functional.gelu(c_fc.forward(hidden), TorchSharp.Modules.GELU.Approximate.tanh);
        return dropout.forward(c_proj.forward(h)).MoveToOuterDisposeScope();
    }
}
