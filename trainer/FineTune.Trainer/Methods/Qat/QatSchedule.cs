namespace FineTune.Trainer.Methods.Qat;

/// <summary>
/// When fake quantization is on: floating point until qat.fakeQuantAfterSteps optimizer steps have been taken, fake
/// quantization from then on. The training loop reports the steps taken (also after a resume); all layers of one
/// model share one schedule.
/// </summary>
/// <param name="StartAfterSteps">Optimizer steps taken in floating point before quantization starts.</param>
public sealed class QatSchedule(long StartAfterSteps)
{
    /// <summary>Optimizer steps taken so far.</summary>
    public long StepsCompleted { get; set; }

    /// <summary>True when forward passes fake-quantize.</summary>
    public bool Active => StepsCompleted >= StartAfterSteps;
}
