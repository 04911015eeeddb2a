using FineTune.Trainer.Models;

namespace FineTune.Trainer.Training;

/// <summary>
/// Implemented by a fine-tuning method that computes series of its own (a DPO method its KL, a QAT or QLoRA method its
/// quantization error): the loop asks after every optimizer step and passes the answer to
/// <see cref="ITrainingObserver.OnMethodMetrics"/>. Called outside the step's dispose scope: dispose what you create.
/// </summary>
public interface IMethodMetricsSource
{
    /// <summary>The method's series after the step just taken, or null when it has nothing new.</summary>
    MethodStepMetrics? StepMetrics(ILanguageModel model);
}
