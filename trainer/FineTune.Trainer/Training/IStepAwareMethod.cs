namespace FineTune.Trainer.Training;

/// <summary>
/// Implemented by a fine-tuning method whose forward pass depends on how far training has come (QAT trains in
/// floating point until qat.fakeQuantAfterSteps optimizer steps have passed). The loop reports the optimizer steps
/// taken before the first step (the resumed step after a restart) and again after every step, before the step's
/// evaluation, so training, evaluation and resume all see the same schedule.
/// </summary>
public interface IStepAwareMethod
{
    /// <summary>Called with the number of optimizer steps taken so far.</summary>
    void StepsCompleted(long steps);
}
