using FineTune.Trainer.Data;
using FineTune.Trainer.Models;
using FineTune.Trainer.Rlhf;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tests.Training;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Rlhf;

public sealed class RewardResumeTests
{
    private const long N = 3;

    // 10 pairs in batches of 4: an epoch is 3 batches, so the 2N steps cross an epoch boundary (a reshuffle).
    private static readonly IReadOnlyList<Example> Train = RlhfFixtures.Preferences.Train.Take(10).ToList();
    private static readonly IReadOnlyList<Example> Validation = RlhfFixtures.Preferences.Validation.Take(4).ToList();

    // Dropout is on (GPT-2's 0.1) and warmup + cosine change the rate every step; evaluation every 2 steps runs in between.
    private static TrainingOptions Options(long? checkpointEvery = null) => TrainingSetup.Options(2 * N, learningRate: 2e-3, batchSize: 4,
        warmup: 2, schedule: Api.V1Alpha1.LearningRateSchedule.Cosine, evalEvery: 2, checkpointEvery: checkpointEvery);

    private static RewardModel Model(long seed) => RewardModel.Create((ICausalLanguageModel)TrainingSetup.Model("gpt2", seed));

    [Fact]
    public void Two_N_steps_straight_equal_N_steps_interrupt_resume_and_N_steps_bit_for_bit()
    {
        using var straightDir = new TempDirectory();
        using var straight = Model(seed: 3);
        using var straightObserver = new InterruptingObserver();
        var straightResult = new RewardTrainer(straight, Train, Validation, Options(checkpointEvery: 1), TrainingSetup.PadId, CPU,
            new LocalCheckpointStore(straightDir.Path, keepLast: 2), straightObserver).Run();
        Assert.Equal(2 * N, straightResult.Steps);
        // Keep-last-K: a checkpoint every step, the newest two remain, and the one with the best validation loss when older.
        var kept = Directory.GetDirectories(Path.Combine(straightDir.Path, "checkpoints")).Select(Path.GetFileName).ToHashSet();
        Assert.Superset(new HashSet<string?> { "step-5", "step-6" }, kept);
        kept.ExceptWith(["step-5", "step-6"]);
        Assert.True(kept.Count == 0 || (kept.Count == 1 && kept.Single() is "step-2" or "step-4"), "kept: " + string.Join(", ", kept));

        using var resumedDir = new TempDirectory();
        var store = new LocalCheckpointStore(resumedDir.Path);
        using var first = Model(seed: 3);
        using var firstObserver = new InterruptingObserver(interruptAtStep: N);
        var firstHalf = new RewardTrainer(first, Train, Validation, Options(), TrainingSetup.PadId, CPU, store, firstObserver).Run(firstObserver.Token);
        Assert.True(firstHalf.Interrupted);
        Assert.Equal(N, firstHalf.Steps);
        // The interruption wrote the only checkpoint so far, and reported its size.
        var report = Assert.Single(firstObserver.Recorded.CheckpointReports);
        Assert.Equal(N, report.Step);
        Assert.True(report.Bytes > 0);
        Assert.Equal(store.Find(N), firstHalf.LastCheckpoint);

        // A new model (as in a new process) with another decoder and head drawn: everything must come from the checkpoint.
        using var second = Model(seed: 999);
        using var secondObserver = new InterruptingObserver();
        var secondHalf = new RewardTrainer(second, Train, Validation, Options(), TrainingSetup.PadId, CPU, store, secondObserver).Run();
        Assert.False(secondHalf.Interrupted);
        Assert.Equal(N, secondHalf.ResumedFromStep);
        Assert.Equal(2 * N, secondHalf.Steps);
        Assert.Equal(N, Assert.Single(secondObserver.Recorded.Starts).ResumedFromStep);
        Assert.Contains(secondObserver.Recorded.Messages, m => m.StartsWith("resuming from", StringComparison.Ordinal));

        var losses = firstObserver.Recorded.Steps.Concat(secondObserver.Recorded.Steps).Select(s => s.Loss).ToArray();
        Assert.Equal(straightObserver.Recorded.Steps.Select(s => s.Loss).ToArray(), losses);
        Assert.Equal(straightResult.ValidationAccuracy, secondHalf.ValidationAccuracy);
        Assert.Equal(straightResult.ValidationLoss, secondHalf.ValidationLoss);
        AssertSameWeights(straight, second);
    }

    [Fact]
    public void A_run_resumed_from_its_final_checkpoint_takes_no_step_and_still_reports_the_evaluation()
    {
        using var dir = new TempDirectory();
        var store = new LocalCheckpointStore(dir.Path);
        using var first = Model(seed: 3);
        var done = new RewardTrainer(first, Train, Validation, Options(), TrainingSetup.PadId, CPU, store, NullTrainingObserver.Instance).Run();

        using var again = Model(seed: 999);
        using var observer = new InterruptingObserver();
        var result = new RewardTrainer(again, Train, Validation, Options(), TrainingSetup.PadId, CPU, store, observer).Run();

        Assert.Empty(observer.Recorded.Steps);
        Assert.Equal(2 * N, result.Steps);
        Assert.Equal(done.LastLoss, result.LastLoss);
        Assert.Equal(done.ValidationAccuracy, result.ValidationAccuracy);
        AssertSameWeights(first, again);
    }

    private static void AssertSameWeights(RewardModel expected, RewardModel actual)
    {
        var want = expected.Decoder.Module.named_parameters().Append(("score.weight", expected.Head.weight)).ToList();
        var got = actual.Decoder.Module.named_parameters().Append(("score.weight", actual.Head.weight)).ToDictionary(p => p.Item1, p => p.Item2);
        Assert.Equal(want.Count, got.Count);
        foreach (var (name, value) in want)
            Assert.True(TrainingSetup.Same(value, got[name]), $"parameter {name} differs between the straight and the resumed run");
    }
}
