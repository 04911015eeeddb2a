using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods;
using FineTune.Trainer.Methods.Frozen;
using FineTune.Trainer.Methods.Full;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Training;

/// <summary>Full and frozen fine-tuning learn the reverse-words task: validation loss falls clearly, the same every run.</summary>
public sealed class LearningTests(ITestOutputHelper output)
{
    public static TheoryData<string, double> Methods => new()
    {
        // method, the largest allowed ratio of final to initial validation loss
        { "full", 0.5 },
        { "frozen", 0.7 },
    };

    [Theory]
    [MemberData(nameof(Methods))]
    public void Fine_tuning_lowers_validation_loss_clearly_and_deterministically(string methodName, double maxRatio)
    {
        var (before, after) = Train(methodName);
        var (_, again) = Train(methodName);
        // Quoted by the notes: the figures of the run, identical every time.
        output.WriteLine($"{methodName}: validation loss before {before:F4}, after {after:F4}, ratio {after / before:F4} (limit {maxRatio})");

        Assert.True(after < maxRatio * before, $"{methodName}: validation loss went from {before:F4} to {after:F4}; expected below {maxRatio} × the start");
        Assert.Equal(after, again);
    }

    private static (double Before, double After) Train(string methodName)
    {
        IFineTuneMethod method = methodName == "full"
            ? new FullMethod()
            : new FrozenMethod(new FrozenOptions { TrainableLayers = 1 });
        var model = TrainingSetup.Model("llama");
        var data = TrainingSetup.Data;
        var before = Evaluator.Evaluate(model, data.Validation, 16, TrainingSetup.PadId, CPU).Loss;
        using var dir = new TempDirectory();
        var result = new TrainingLoop(model, method, data, TrainingSetup.Options(120, learningRate: 3e-3, warmup: 10,
                schedule: Api.V1Alpha1.LearningRateSchedule.Cosine, evalEvery: 60), TrainingSetup.PadId, CPU,
            new LocalCheckpointStore(dir.Path)).Run();
        return (before, result.LastEvaluation!.Loss);
    }
}
