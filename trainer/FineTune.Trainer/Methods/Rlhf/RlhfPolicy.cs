using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Full;
using FineTune.Trainer.Methods.Lora;

namespace FineTune.Trainer.Methods.Rlhf;

/// <summary>How the policy trains in every rlhf stage (spec.rlhf.policyMethod).</summary>
public static class RlhfPolicy
{
    /// <summary>The policy's method: full, or lora with spec.lora (defaults when absent).</summary>
    public static IFineTuneMethod Method(FineTuneJobSpec spec) => PolicyMethodOf(spec) switch
    {
        PolicyMethod.Full => new FullMethod(),
        _ => new LoraMethod(spec.Lora ?? new LoraOptions()),
    };

    /// <summary>spec.rlhf.policyMethod (lora when the block is absent).</summary>
    public static PolicyMethod PolicyMethodOf(FineTuneJobSpec spec) => spec.Rlhf?.PolicyMethod ?? PolicyMethod.Lora;

    /// <summary>The spec.method value the policy method corresponds to.</summary>
    public static FineTuneMethod AsMethod(PolicyMethod policy) => policy == PolicyMethod.Full ? FineTuneMethod.Full : FineTuneMethod.Lora;
}
