using FineTune.Trainer.Data.Batching;

namespace FineTune.Trainer.Training;

/// <summary>
/// Everything about a run's progress besides tensors, written as trainer_state.json in each checkpoint. With the
/// weights and optimizer moments it makes resuming exact: the learning rate is a function of <see cref="Step"/>, the
/// random state of each step is derived from the seed and the step, and <see cref="DataPosition"/> continues the data.
/// </summary>
public sealed record TrainingState
{
    /// <summary>Optimizer steps completed.</summary>
    public long Step { get; init; }

    /// <summary>Where the training batches continue.</summary>
    public DataPosition? DataPosition { get; init; }

    /// <summary>Lowest validation loss so far.</summary>
    public double? BestEvalLoss { get; init; }

    /// <summary>Step of <see cref="BestEvalLoss"/>.</summary>
    public long? BestStep { get; init; }

    /// <summary>Evaluations since the last improvement (early stopping).</summary>
    public int EvaluationsWithoutImprovement { get; init; }

    /// <summary>Training loss of the last step.</summary>
    public double? LastLoss { get; init; }

    /// <summary>The method that wrote the checkpoint (a resume with another method is refused).</summary>
    public string Method { get; init; } = "";

    /// <summary>Total steps the run was planned with.</summary>
    public long TotalSteps { get; init; }
}
