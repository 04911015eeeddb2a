using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>Optimisation settings (AdamW with warmup and a decay schedule). Neither epochs nor maxSteps: one epoch.</summary>
[CelRule("!(has(self.epochs) && has(self.maxSteps))", "set epochs or maxSteps, not both", FieldPath = ".maxSteps")]
[CelRule("!(has(self.warmupRatio) && has(self.warmupSteps))", "set warmupRatio or warmupSteps, not both", FieldPath = ".warmupSteps")]
public sealed class Hyperparameters
{
    /// <summary>Peak learning rate.</summary>
    [Minimum(0, Exclusive = true), Maximum(1)]
    public double LearningRate { get; set; } = 2e-4;

    /// <summary>Passes over the training set.</summary>
    [Minimum(1), Maximum(10000)]
    public int? Epochs { get; set; }

    /// <summary>Optimizer steps to run instead of whole epochs.</summary>
    [Minimum(1)]
    public long? MaxSteps { get; set; }

    /// <summary>Sequences per micro-batch on each device.</summary>
    [Minimum(1), Maximum(4096)]
    public int BatchSize { get; set; } = 8;

    /// <summary>Micro-batches accumulated into one optimizer step.</summary>
    [Minimum(1), Maximum(4096)]
    public int GradientAccumulationSteps { get; set; } = 1;

    /// <summary>Tokens per sequence; longer records follow dataset.truncation.</summary>
    [Minimum(8), Maximum(1048576)]
    public int SequenceLength { get; set; } = 512;

    /// <summary>Share of the steps spent warming the learning rate up from zero.</summary>
    [Minimum(0), Maximum(1, Exclusive = true)]
    public double? WarmupRatio { get; set; }

    /// <summary>Steps spent warming the learning rate up from zero.</summary>
    [Minimum(0)]
    public long? WarmupSteps { get; set; }

    /// <summary>Decay after warmup: cosine, linear or constant.</summary>
    public LearningRateSchedule Scheduler { get; set; } = LearningRateSchedule.Cosine;

    /// <summary>AdamW decoupled weight decay.</summary>
    [Minimum(0), Maximum(1)]
    public double WeightDecay { get; set; }

    /// <summary>Clip the global gradient norm to this value; 0 turns clipping off.</summary>
    [Minimum(0)]
    public double MaxGradNorm { get; set; } = 1.0;

    /// <summary>fp32, or bf16 compute with fp32 master weights.</summary>
    public Precision Precision { get; set; } = Precision.Fp32;

    /// <summary>Seed for initialisation, shuffling and dropout; the same seed gives the same run.</summary>
    [Minimum(0)]
    public long Seed { get; set; } = 42;

    /// <summary>Evaluate every N optimizer steps; left out: at the end of every epoch.</summary>
    [Minimum(1)]
    public long? EvalEverySteps { get; set; }

    /// <summary>Write a checkpoint every N optimizer steps; left out: at the end of every epoch.</summary>
    [Minimum(1)]
    public long? CheckpointEverySteps { get; set; }

    /// <summary>Stop after this many evaluations without a better validation loss.</summary>
    [Minimum(1)]
    public int? EarlyStoppingPatience { get; set; }
}
