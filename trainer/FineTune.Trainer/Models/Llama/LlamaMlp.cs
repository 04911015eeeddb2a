using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Llama;

/// <summary>SwiGLU feed-forward (Shazeer 2020): down_proj(silu(gate_proj(x)) · up_proj(x)); [B, T, d] → [B, T, d].</summary>
public sealed class LlamaMlp : nn.Module<Tensor, Tensor>
{
    /// <summary>Gate projection [d → intermediate].</summary>
    public nn.Module<Tensor, Tensor> gate_proj;

    /// <summary>Up projection [d → intermediate].</summary>
    public nn.Module<Tensor, Tensor> up_proj;

    /// <summary>Down projection [intermediate → d].</summary>
    public nn.Module<Tensor, Tensor> down_proj;

    /// <summary>Creates the MLP.</summary>
    public LlamaMlp(LlamaConfig config) : base(nameof(LlamaMlp))
    {
        gate_proj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: config.MlpBias);
        up_proj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: config.MlpBias);
        down_proj = nn.Linear(config.IntermediateSize, config.HiddenSize, hasBias: config.MlpBias);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var gated = nn.functional.silu(gate_proj.forward(hidden)).mul(up_proj.forward(hidden));
        return down_proj.forward(gated).MoveToOuterDisposeScope();
    }
}
