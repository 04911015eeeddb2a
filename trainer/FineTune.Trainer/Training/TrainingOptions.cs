using FineTune.Api.V1Alpha1;

namespace FineTune.Trainer.Training;

/// <summary>The loop's settings, resolved from spec.hyperparameters and the dataset size (steps, warmup, intervals).</summary>
public sealed record TrainingOptions
{
    /// <summary>Optimizer steps in the whole run.</summary>
    public required long TotalSteps { get; init; }

    /// <summary>Learning rate per step.</summary>
    public required WarmupDecaySchedule Schedule { get; init; }

    /// <summary>Sequences per micro-batch.</summary>
    public required int BatchSize { get; init; }

    /// <summary>Micro-batches per optimizer step.</summary>
    public int AccumulationSteps { get; init; } = 1;

    /// <summary>AdamW decoupled weight decay.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Global gradient-norm clip; 0 = off.</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>fp32, or bf16 compute with fp32 master weights.</summary>
    public Precision Precision { get; init; } = Precision.Fp32;

    /// <summary>Seed of shuffling and dropout.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Evaluate every N steps (always at the end when there is validation data).</summary>
    public required long EvalEverySteps { get; init; }

    /// <summary>Write a checkpoint every N steps (and at the end).</summary>
    public required long CheckpointEverySteps { get; init; }

    /// <summary>Stop after this many evaluations without a better validation loss; null = never.</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>
    /// Options for <paramref name="hyperparameters"/> over <paramref name="trainExamples"/> examples: maxSteps, else
    /// epochs (1 when neither is set) × ceil(batches per epoch / accumulation). Eval and checkpoint intervals default to
    /// one epoch.
    /// </summary>
    public static TrainingOptions From(Hyperparameters hyperparameters, int trainExamples)
    {
        if (trainExamples <= 0) throw new ArgumentException("the training set is empty");
        var batchesPerEpoch = (trainExamples + hyperparameters.BatchSize - 1) / hyperparameters.BatchSize;
        var stepsPerEpoch = Math.Max(1, (batchesPerEpoch + hyperparameters.GradientAccumulationSteps - 1) / hyperparameters.GradientAccumulationSteps);
        var total = hyperparameters.MaxSteps ?? (long)(hyperparameters.Epochs ?? 1) * stepsPerEpoch;
        return new TrainingOptions
        {
            TotalSteps = total,
            Schedule = new WarmupDecaySchedule(hyperparameters.LearningRate, total,
                Math.Min(total, WarmupDecaySchedule.WarmupFrom(hyperparameters, total)), hyperparameters.Scheduler),
            BatchSize = hyperparameters.BatchSize,
            AccumulationSteps = hyperparameters.GradientAccumulationSteps,
            WeightDecay = hyperparameters.WeightDecay,
            MaxGradNorm = hyperparameters.MaxGradNorm,
            Precision = hyperparameters.Precision,
            Seed = hyperparameters.Seed,
            EvalEverySteps = hyperparameters.EvalEverySteps ?? stepsPerEpoch,
            CheckpointEverySteps = hyperparameters.CheckpointEverySteps ?? stepsPerEpoch,
            EarlyStoppingPatience = hyperparameters.EarlyStoppingPatience,
        };
    }
}
