using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>One stage of an rlhf pipeline, with its own dataset and optional overrides.</summary>
[CelRule("(self.name == 'sft' && self.dataset.format in ['text', 'instruction', 'chat']) || (self.name in ['reward', 'dpo'] && self.dataset.format == 'preference') || (self.name == 'ppo' && self.dataset.format == 'prompt')",
    "", FieldPath = ".dataset.format",
    MessageExpression = "'stage ' + self.name + ' needs dataset format ' + (self.name == 'sft' ? 'text, instruction or chat' : (self.name == 'ppo' ? 'prompt' : 'preference')) + ', got ' + self.dataset.format")]
[CelRule("!has(self.ppo) || self.name == 'ppo'", "only a ppo stage takes ppo options", FieldPath = ".ppo")]
[CelRule("!has(self.dpo) || self.name == 'dpo'", "only a dpo stage takes dpo options", FieldPath = ".dpo")]
public sealed class RlhfStage
{
    /// <summary>sft, reward, ppo or dpo.</summary>
    public required RlhfStageName Name { get; set; }

    /// <summary>The stage's data: text/instruction/chat for sft, preference for reward and dpo, prompt for ppo.</summary>
    public required DatasetSpec Dataset { get; set; }

    /// <summary>Overrides of spec.hyperparameters for this stage.</summary>
    public StageHyperparameters? Hyperparameters { get; set; }

    /// <summary>PPO options (ppo stage; defaults apply when left out).</summary>
    public PpoOptions? Ppo { get; set; }

    /// <summary>DPO options (dpo stage; defaults apply when left out).</summary>
    public DpoOptions? Dpo { get; set; }
}
