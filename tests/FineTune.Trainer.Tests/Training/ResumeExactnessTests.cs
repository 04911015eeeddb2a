using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Full;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Training;

public sealed class ResumeExactnessTests
{
    private const long N = 6;

    [Theory]
    [InlineData(Precision.Fp32)]
    [InlineData(Precision.Bf16)]
    public void Two_N_steps_straight_equal_N_steps_resume_and_N_steps_bit_for_bit(Precision precision)
    {
        // Dropout is on (GPT-2's 0.1), accumulation spans 2 micro-batches and warmup + cosine change the rate every step.
        var options = TrainingSetup.Options(2 * N, accumulation: 2, precision: precision, warmup: 2,
            schedule: Api.V1Alpha1.LearningRateSchedule.Cosine, checkpointEvery: N);

        using var straightDir = new TempDirectory();
        var straight = TrainingSetup.Model();
        var straightObserver = new RecordingObserver();
        new TrainingLoop(straight, new FullMethod(), TrainingSetup.Data, options, TrainingSetup.PadId, CPU,
            new LocalCheckpointStore(straightDir.Path), straightObserver).Run();

        using var resumedDir = new TempDirectory();
        var store = new LocalCheckpointStore(resumedDir.Path);
        var first = TrainingSetup.Model();
        var firstObserver = new RecordingObserver();
        var firstHalf = new TrainingLoop(first, new FullMethod(), TrainingSetup.Data, options with { TotalSteps = N }, TrainingSetup.PadId, CPU,
            store, firstObserver).Run();
        Assert.Equal(N, firstHalf.Steps);

        // A new model object (as in a new process), drawn with another seed: everything must come from the checkpoint.
        var second = TrainingSetup.Model(seed: 999);
        var secondObserver = new RecordingObserver();
        var secondHalf = new TrainingLoop(second, new FullMethod(), TrainingSetup.Data, options, TrainingSetup.PadId, CPU,
            store, secondObserver).Run();
        Assert.Equal(N, secondHalf.ResumedFromStep);
        Assert.Equal(2 * N, secondHalf.Steps);

        var losses = firstObserver.Steps.Concat(secondObserver.Steps).Select(s => s.Loss).ToArray();
        Assert.Equal(straightObserver.Steps.Select(s => s.Loss).ToArray(), losses);
        var expected = TrainingSetup.Snapshot(straight);
        var actual = TrainingSetup.Snapshot(second);
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (name, value) in expected)
            Assert.True(TrainingSetup.Same(value, actual[name]), $"parameter {name} differs between the straight and the resumed run");
    }
}
