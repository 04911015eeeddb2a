using static TorchSharp.torch;

namespace FineTune.Trainer.Rlhf;

/// <summary>
/// The reward model's pairwise (Bradley–Terry) loss, as in InstructGPT (Ouyang et al., 2022):
/// loss = mean over pairs of -log σ(r_chosen - r_rejected). Shapes: both reward tensors [pairs].
/// </summary>
public static class PreferenceLoss
{
    /// <summary>The mean pairwise loss of <paramref name="chosen"/> over <paramref name="rejected"/> rewards (a scalar).</summary>
    public static Tensor Pairwise(Tensor chosen, Tensor rejected) =>
        nn.functional.logsigmoid(chosen - rejected).mean().neg();

    /// <summary>Share of pairs whose chosen reward is strictly higher than the rejected one.</summary>
    public static double Accuracy(Tensor chosen, Tensor rejected)
    {
        using var scope = NewDisposeScope();
        return chosen.detach().gt(rejected.detach()).to(ScalarType.Float32).mean().item<float>();
    }
}
