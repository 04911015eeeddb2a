using FineTune.Trainer.Training;

namespace FineTune.Trainer.Rlhf;

/// <summary>The checkpoint a reward or ppo stage continues from.</summary>
/// <param name="State">Its trainer_state.json (step, data position, last loss).</param>
/// <param name="Directory">The local directory holding it (for the optimizer state).</param>
public sealed record ResumePoint(TrainingState State, string Directory);
