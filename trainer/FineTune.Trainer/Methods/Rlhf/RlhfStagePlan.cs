using FineTune.Api.V1Alpha1;

namespace FineTune.Trainer.Methods.Rlhf;

/// <summary>The rlhf part of a <see cref="Jobs.JobPlan"/>: which stage runs, from which weights, with which settings.</summary>
public sealed record RlhfStagePlan
{
    /// <summary>The stage as the spec lists it.</summary>
    public required RlhfStage Stage { get; init; }

    /// <summary>1-based iteration.</summary>
    public required int Iteration { get; init; }

    /// <summary>
    /// The job as a single-method job for this stage: method = the policy method (full | lora) with its option block,
    /// dataset = the stage's, hyperparameters with the stage's overrides, save mode that always includes merged weights
    /// (the next stage starts from them).
    /// </summary>
    public required FineTuneJob StageJob { get; init; }

    /// <summary>
    /// The weights the stage starts from (a Hugging Face directory): an earlier stage's merged output, or the base model.
    /// </summary>
    public required string StartDirectory { get; init; }

    /// <summary>The reward model a ppo stage scores with (a directory in the sequence-classification layout); null otherwise.</summary>
    public string? RewardModelDirectory { get; init; }
}
