using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>
/// Alignment as a pipeline of stages, each a training run of its own: sft → reward → ppo, or sft → dpo. Leading
/// stages may be left out when their results already exist (a policy in spec.model, a reward model in rewardModelUri).
/// </summary>
[CelRule("self.stages.map(s, s.name) in [['sft'], ['reward'], ['ppo'], ['dpo'], ['sft', 'reward'], ['sft', 'ppo'], ['reward', 'ppo'], ['sft', 'reward', 'ppo'], ['sft', 'dpo']]",
    "", FieldPath = ".stages",
    MessageExpression = "'stages must follow sft → reward → ppo or sft → dpo, each at most once, got ' + self.stages.map(s, s.name).join(' → ')")]
[CelRule("!(self.stages.exists(s, s.name == 'dpo') && self.stages.exists(s, s.name in ['reward', 'ppo']))",
    "dpo replaces reward + ppo: a dpo stage cannot be combined with reward or ppo stages", FieldPath = ".stages")]
[CelRule("!self.stages.exists(s, s.name == 'ppo') || self.stages.exists(s, s.name == 'reward') || has(self.rewardModelUri)",
    "a ppo stage needs a reward stage before it or rlhf.rewardModelUri", FieldPath = ".stages")]
public sealed class RlhfOptions
{
    /// <summary>How many times the whole stage list runs, each iteration starting from the previous policy.</summary>
    [Minimum(1), Maximum(100)]
    public int Iterations { get; set; } = 1;

    /// <summary>How the policy trains in every stage: full, or lora with spec.lora (disabling the adapter gives the reference model).</summary>
    public PolicyMethod PolicyMethod { get; set; } = PolicyMethod.Lora;

    /// <summary>An existing reward model (HF layout with a one-output score head), for pipelines without a reward stage.</summary>
    [Pattern(Patterns.StorageUri, Patterns.StorageUriAccepted), Length(Min = 1, Max = 2048)]
    public string? RewardModelUri { get; set; }

    /// <summary>The stages in the order they run.</summary>
    [ItemCount(Min = 1, Max = 4)]
    public required List<RlhfStage> Stages { get; set; }
}
