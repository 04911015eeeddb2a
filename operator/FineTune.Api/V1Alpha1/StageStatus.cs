using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>Progress of one stage of the current run.</summary>
public sealed class StageStatus
{
    /// <summary>Stage name: train for single-stage methods, sft/reward/ppo/dpo for rlhf.</summary>
    public required string Name { get; set; }

    /// <summary>rlhf iteration the stage belongs to, from 1.</summary>
    [Minimum(1)]
    public int Iteration { get; set; } = 1;

    /// <summary>Pending, Running, Succeeded, Failed or Suspended.</summary>
    public StagePhase Phase { get; set; } = StagePhase.Pending;

    /// <summary>Training Jobs started for the stage (1 plus retries).</summary>
    [Minimum(0)]
    public int Attempts { get; set; }

    /// <summary>Name of the stage's current batch/v1 Job.</summary>
    public string? JobName { get; set; }

    /// <summary>When the first attempt started.</summary>
    public DateTime? StartTime { get; set; }

    /// <summary>When the stage succeeded or finally failed.</summary>
    public DateTime? CompletionTime { get; set; }

    /// <summary>Where the stage wrote its result.</summary>
    public string? Output { get; set; }

    /// <summary>Why the stage failed, when it did.</summary>
    public string? Message { get; set; }
}
