using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Rlhf;

/// <summary>
/// PPO's critic: a linear map from the policy's final hidden states [batch, seq, hidden] to one value per position
/// [batch, seq], sharing the policy's trunk (TRL's AutoModelForCausalLMWithValueHead; field name as its v_head.summary).
/// </summary>
public sealed class ValueHead : nn.Module<Tensor, Tensor>
{
    private readonly Linear summary;

    /// <summary>A head for <paramref name="hiddenSize"/> features, zero-initialised so the first values are 0.</summary>
    public ValueHead(int hiddenSize, Device device) : base("v_head")
    {
        summary = nn.Linear(hiddenSize, 1, device: device);
        using (no_grad())
        {
            summary.weight.zero_();
            summary.bias!.zero_();
        }
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden) => summary.forward(hidden.to(ScalarType.Float32)).squeeze(-1);
}
