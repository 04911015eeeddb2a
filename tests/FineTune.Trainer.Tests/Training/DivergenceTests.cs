using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods;
using FineTune.Trainer.Methods.Full;
using FineTune.Trainer.Models;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Training;

public sealed class DivergenceTests
{
    /// <summary>Full fine-tuning whose loss turns NaN from a given call on, through the method interface's custom-loss hook.</summary>
    private sealed class PoisonedLossMethod(int firstBadCall) : IFineTuneMethod
    {
        private readonly FullMethod _full = new();
        private int _calls;

        public string Name => _full.Name;
        public void Apply(ILanguageModel model) => _full.Apply(model);
        public IReadOnlyList<string> TrainableParameterNames(ILanguageModel model) => _full.TrainableParameterNames(model);
        public SaveMode ResolveSave(SaveMode? requested) => _full.ResolveSave(requested);
        public void Export(ILanguageModel model, string directory, SaveMode kind) => _full.Export(model, directory, kind);

        public Tensor? ComputeLoss(ILanguageModel model, TrainingBatch batch)
        {
            var (sum, _) = LossFunctions.Sum(model, batch);
            var mean = sum / batch.ShiftedTargetCount;
            return ++_calls >= firstBadCall ? mean * double.NaN : mean;
        }
    }

    [Fact]
    public void Nan_loss_stops_the_run_and_keeps_the_last_good_checkpoint()
    {
        using var dir = new TempDirectory();
        var store = new LocalCheckpointStore(dir.Path);
        var model = TrainingSetup.Model();
        var loop = new TrainingLoop(model, new PoisonedLossMethod(firstBadCall: 5), TrainingSetup.Data,
            TrainingSetup.Options(10, checkpointEvery: 2), TrainingSetup.PadId, CPU, store);

        var error = Assert.Throws<TrainingDivergedException>(() => loop.Run());

        Assert.Equal(5, error.Step);
        Assert.Contains("training loss is NaN", error.Message);
        Assert.Equal(store.Find(4), error.LastCheckpoint);
        Assert.Equal(store.Find(4), store.LatestForResume());
        Assert.Null(store.Find(5));
        // The bad step was not applied: the model still holds the weights of the step-4 checkpoint.
        var saved = TrainingSetup.Model(seed: 3);
        TrainingCheckpoint.LoadWeights(store.Find(4)!, saved);
        var expected = TrainingSetup.Snapshot(saved);
        foreach (var (name, value) in TrainingSetup.Snapshot(model))
            Assert.True(TrainingSetup.Same(value, expected[name]), $"parameter {name} changed in the diverged step");
    }
}
