using FineTune.Api.V1Alpha1;

namespace FineTune.Trainer.Rlhf;

/// <summary>Everything a PPO run needs besides the models and prompts.</summary>
public sealed record PpoSettings
{
    /// <summary>The ppo block of the stage (defaults when the stage left it out).</summary>
    public required PpoOptions Ppo { get; init; }

    /// <summary>Rollout batches to sample and train on (one optimizer phase of ppoEpochs steps each).</summary>
    public required long Iterations { get; init; }

    /// <summary>Learning rate of policy and value head.</summary>
    public required double LearningRate { get; init; }

    /// <summary>Global gradient-norm clip; 0 = off.</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>Seed of prompt order and sampling.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Token that ends a response early (null: responses run to maxNewTokens).</summary>
    public long? EosTokenId { get; init; }

    /// <summary>Padding id for batching.</summary>
    public required int PadId { get; init; }

    /// <summary>Write a checkpoint every N iterations (always at the end and when interrupted).</summary>
    public long CheckpointEverySteps { get; init; } = long.MaxValue;

    /// <summary>Normalise advantages over each rollout batch (mean 0, variance 1), as TRL does; off only in tests of the raw maths.</summary>
    public bool WhitenAdvantages { get; init; } = true;
}
