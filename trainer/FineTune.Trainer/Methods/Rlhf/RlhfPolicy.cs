using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Full;
using FineTune.Trainer.Methods.Lora;

namespace FineTune.Trainer.Methods.Rlhf;

/// <summary>How the policy trains in every rlhf stage (spec.rlhf.policyMethod).</summary>
public static class RlhfPolicy
{
    /// <summary>The policy's method: full, or lora with spec.lora (defaults when absent).</summary>
    public static IFineTuneMethod Method(FineTuneJobSpec spec) => Method(PolicyMethodOf(spec), spec.Lora);

    /// <summary>
    /// The method of <paramref name="policy"/>: full, or lora with <paramref name="lora"/> (defaults when null). Shared
    /// by every composite method that trains a policy (rlhf, upft).
    /// </summary>
    public static IFineTuneMethod Method(PolicyMethod policy, LoraOptions? lora) => policy switch
    {
        PolicyMethod.Full => new FullMethod(),
        _ => new LoraMethod(lora ?? new LoraOptions()),
    };

    /// <summary>spec.rlhf.policyMethod (lora when the block is absent).</summary>
    public static PolicyMethod PolicyMethodOf(FineTuneJobSpec spec) => spec.Rlhf?.PolicyMethod ?? PolicyMethod.Lora;

    /// <summary>The spec.method value the policy method corresponds to.</summary>
    public static FineTuneMethod AsMethod(PolicyMethod policy) => policy == PolicyMethod.Full ? FineTuneMethod.Full : FineTuneMethod.Lora;
}
