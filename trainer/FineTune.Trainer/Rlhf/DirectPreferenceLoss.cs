using FineTune.Api.V1Alpha1;
using static TorchSharp.torch;

namespace FineTune.Trainer.Rlhf;

/// <summary>
/// Direct preference optimisation (Rafailov et al., 2023). With π the policy, π_ref the reference and
/// h = (log π(y_w) - log π_ref(y_w)) - (log π(y_l) - log π_ref(y_l)) the log-ratio margin of chosen y_w over rejected y_l:
/// sigmoid: -(1-ε) log σ(βh) - ε log σ(-βh) (ε = label smoothing, conservative DPO);
/// ipo: (h - 1/(2β))² (Azar et al., 2023). Implicit rewards are β·(log π - log π_ref).
/// Shapes: every input [pairs] (sequence log-probabilities summed over the answer tokens).
/// </summary>
public static class DirectPreferenceLoss
{
    /// <summary>The mean loss over the pairs and the implicit rewards of both answers (detached), [pairs] each.</summary>
    public static (Tensor Loss, Tensor ChosenRewards, Tensor RejectedRewards) Compute(
        Tensor policyChosen, Tensor policyRejected, Tensor referenceChosen, Tensor referenceRejected,
        double beta, DpoLoss lossType, double labelSmoothing)
    {
        var chosenRatio = policyChosen - referenceChosen;
        var rejectedRatio = policyRejected - referenceRejected;
        var margin = chosenRatio - rejectedRatio;
        var losses = lossType switch
        {
            Api.V1Alpha1.DpoLoss.Sigmoid =>
                nn.functional.logsigmoid(margin * beta).mul(-(1 - labelSmoothing))
                    - nn.functional.logsigmoid(margin * -beta).mul(labelSmoothing),
            Api.V1Alpha1.DpoLoss.Ipo => (margin - 1 / (2 * beta)).pow(2),
            _ => throw new ArgumentOutOfRangeException(nameof(lossType), lossType, "expected sigmoid or ipo"),
        };
        return (losses.mean(), chosenRatio.detach() * beta, rejectedRatio.detach() * beta);
    }
}
