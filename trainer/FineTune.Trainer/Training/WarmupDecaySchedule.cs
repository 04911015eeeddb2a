using FineTune.Api.V1Alpha1;

namespace FineTune.Trainer.Training;

/// <summary>
/// Linear warmup from zero, then cosine, linear or constant decay, exactly as Hugging Face's
/// get_{cosine,linear,constant}_schedule_with_warmup: the factor for optimizer step s (0-based) is s / warmup during
/// warmup, then for cosine 0.5 (1 + cos(π p)) and for linear 1 − p, with p = (s − warmup) / (total − warmup).
/// A pure function of the step, so resuming needs no scheduler state.
/// </summary>
public sealed record WarmupDecaySchedule(double PeakLearningRate, long TotalSteps, long WarmupSteps, Api.V1Alpha1.LearningRateSchedule Kind)
{
    /// <summary>The learning rate for 0-based optimizer step <paramref name="step"/>.</summary>
    public double At(long step)
    {
        if (step < WarmupSteps) return PeakLearningRate * step / Math.Max(1, WarmupSteps);
        var progress = (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps);
        var factor = Kind switch
        {
            Api.V1Alpha1.LearningRateSchedule.Cosine => Math.Max(0, 0.5 * (1 + Math.Cos(Math.PI * progress))),
            Api.V1Alpha1.LearningRateSchedule.Linear => Math.Max(0, 1 - progress),
            _ => 1.0,
        };
        return PeakLearningRate * factor;
    }

    /// <summary>Warmup steps from the spec: warmupSteps, else ceil(warmupRatio × total), else none.</summary>
    public static long WarmupFrom(Hyperparameters hyperparameters, long totalSteps) =>
        hyperparameters.WarmupSteps ?? (hyperparameters.WarmupRatio is double ratio ? (long)Math.Ceiling(ratio * totalSteps) : 0);
}
