using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Training;
using Kind = FineTune.Api.V1Alpha1.LearningRateSchedule;

namespace FineTune.Trainer.Tests.Training;

public sealed class WarmupDecayScheduleTests
{
    [Theory]
    [InlineData(Kind.Cosine, 0, 0.0)]
    [InlineData(Kind.Cosine, 5, 0.5)]
    [InlineData(Kind.Cosine, 10, 1.0)]
    [InlineData(Kind.Cosine, 60, 0.5)]
    [InlineData(Kind.Cosine, 110, 0.0)]
    [InlineData(Kind.Linear, 60, 0.5)]
    [InlineData(Kind.Linear, 35, 0.75)]
    [InlineData(Kind.Constant, 100, 1.0)]
    [InlineData(Kind.Constant, 3, 0.3)]
    public void Warmup_rises_linearly_then_the_schedule_decays(Kind kind, long step, double factor)
    {
        var schedule = new WarmupDecaySchedule(2e-3, TotalSteps: 110, WarmupSteps: 10, kind);
        Assert.Equal(2e-3 * factor, schedule.At(step), 12);
    }

    [Fact]
    public void Warmup_ratio_rounds_up_to_whole_steps()
    {
        Assert.Equal(3, WarmupDecaySchedule.WarmupFrom(new Hyperparameters { WarmupRatio = 0.025 }, 100));
        Assert.Equal(7, WarmupDecaySchedule.WarmupFrom(new Hyperparameters { WarmupSteps = 7 }, 100));
        Assert.Equal(0, WarmupDecaySchedule.WarmupFrom(new Hyperparameters(), 100));
    }

    [Fact]
    public void Total_steps_count_epochs_of_accumulated_batches()
    {
        var options = TrainingOptions.From(new Hyperparameters { Epochs = 3, BatchSize = 4, GradientAccumulationSteps = 2 }, trainExamples: 37);
        Assert.Equal(3 * 5, options.TotalSteps); // 10 batches per epoch, 5 optimizer steps
        Assert.Equal(5, options.EvalEverySteps);
        Assert.Equal(20, TrainingOptions.From(new Hyperparameters { MaxSteps = 20 }, 37).TotalSteps);
    }
}
