using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>The hyperparameters a stage most often needs to change; unset fields keep spec.hyperparameters.</summary>
[CelRule("!(has(self.epochs) && has(self.maxSteps))", "set epochs or maxSteps, not both", FieldPath = ".maxSteps")]
public sealed class StageHyperparameters
{
    /// <summary>Peak learning rate of this stage.</summary>
    [Minimum(0, Exclusive = true), Maximum(1)]
    public double? LearningRate { get; set; }

    /// <summary>Passes over this stage's data.</summary>
    [Minimum(1), Maximum(10000)]
    public int? Epochs { get; set; }

    /// <summary>Optimizer steps of this stage.</summary>
    [Minimum(1)]
    public long? MaxSteps { get; set; }

    /// <summary>Sequences per micro-batch in this stage.</summary>
    [Minimum(1), Maximum(4096)]
    public int? BatchSize { get; set; }
}
