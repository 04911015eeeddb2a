using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tests.Training;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Methods;

/// <summary>Every row of the method table learns the shared reverse-words task through the real training loop.</summary>
public sealed class MethodLearningTests
{
    public static TheoryData<string> Rows => MethodTable.All;

    [Theory]
    [MemberData(nameof(Rows))]
    public void Validation_loss_falls_and_only_the_trainable_parameters_change_in_the_training_loop(string row)
    {
        var entry = MethodTable.Rows[row];
        var method = entry.Create();
        var model = TrainingSetup.Model(entry.Architecture);
        method.Apply(model);
        var data = TrainingSetup.Data;
        var before = Evaluator.Evaluate(model, data.Validation, 8, TrainingSetup.PadId, CPU).Loss;
        var weights = TrainingSetup.Snapshot(model);
        using var dir = new TempDirectory();

        new TrainingLoop(model, method, data, TrainingSetup.Options(24, learningRate: entry.LearningRate), TrainingSetup.PadId, CPU,
            new LocalCheckpointStore(dir.Path)).Run();

        var after = Evaluator.Evaluate(model, data.Validation, 8, TrainingSetup.PadId, CPU).Loss;
        // Evaluation is deterministic, so a method that learns nothing keeps the same loss; 24 steps on a random tiny
        // base move the few-parameter methods (prefixes, prompts, adapters) by about 1 %, full fine-tuning by far more.
        Assert.True(after < (1 - entry.RequiredFall) * before, $"validation loss went from {before:F4} to {after:F4}");
        var now = TrainingSetup.Snapshot(model);
        var changed = weights.Where(kv => !TrainingSetup.Same(kv.Value, now[kv.Key])).Select(kv => kv.Key).ToHashSet();
        Assert.Equal(method.TrainableParameterNames(model).ToHashSet(), changed);
    }
}
