namespace FineTune.Trainer.Training;

/// <summary>The size of a run, reported once before its first step (after a resume too).</summary>
/// <param name="TotalSteps">Optimizer steps the stage will run.</param>
/// <param name="ResumedFromStep">Step the run continues from (0 for a fresh run).</param>
/// <param name="TrainableParameters">Elements of the parameters the optimizer updates.</param>
/// <param name="Parameters">Elements of every parameter of the model, trainable or not (injected modules included).</param>
public sealed record RunShape(long TotalSteps, long ResumedFromStep, long TrainableParameters, long Parameters);
