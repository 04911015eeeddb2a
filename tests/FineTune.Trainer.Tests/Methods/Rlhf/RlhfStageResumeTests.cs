using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Jobs;
using FineTune.Trainer.Models;
using FineTune.Trainer.Rlhf;
using FineTune.Trainer.Tests.Rlhf;
using FineTune.Trainer.Tests.Training;
using FineTune.Trainer.Training.Checkpointing;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Methods.Rlhf;

public sealed class RlhfStageResumeTests
{
    /// <summary>sft's merged output (a copy of the base model) and a reward model at spec.rlhf.rewardModelUri.</summary>
    private static RlhfJobFixture Job()
    {
        var job = new RlhfJobFixture(extra: "    rewardModelUri: reward-model");
        var merged = job.RunPath("sft", "merged");
        Directory.CreateDirectory(merged);
        foreach (var file in new[] { CheckpointFiles.Config, CheckpointFiles.Safetensors })
            File.Copy(Path.Combine(job.Root, "model", file), Path.Combine(merged, file));
        WriteRewardModel(job, "reward-model");
        return job;
    }

    /// <summary>A reward model (the fixture's base model with a seeded score head) in <paramref name="folder"/> of the job's root.</summary>
    internal static void WriteRewardModel(RlhfJobFixture job, string folder)
    {
        var (decoder, _) = HuggingFaceCheckpoint.Load(Path.Combine(job.Root, "model"), CPU);
        using var reward = RewardModel.Create((ICausalLanguageModel)decoder, seed: 17);
        reward.Save(Path.Combine(job.Root, folder), TrainingSetup.PadId);
    }

    [Theory]
    [InlineData("reward", 3)]
    [InlineData("ppo", 2)]
    public void An_interrupted_stage_leaves_a_checkpoint_and_runs_again_from_it_to_the_end(string stage, long steps)
    {
        using var job = Job();
        var plan = job.Plan(stage, "1", $$"""{"sft": "{{job.RunPath("sft")}}"}""");

        using var interrupting = new InterruptingObserver(interruptAtStep: 1);
        var interrupted = JobRunner.Run(plan, interrupting, interrupting.Token);

        Assert.True(interrupted.Interrupted);
        Assert.Equal(1, interrupted.Steps);
        Assert.Empty(interrupted.Outputs);
        Assert.False(Directory.Exists(job.RunPath(stage, "merged")), "an interrupted stage exports nothing");
        var checkpoint = job.RunPath(stage, "checkpoints", "step-1");
        Assert.True(File.Exists(Path.Combine(checkpoint, TrainingCheckpoint.StateFile)), "the interruption wrote a complete checkpoint");
        var report = Assert.Single(interrupting.Recorded.CheckpointReports);
        Assert.Equal(checkpoint, report.Location);
        Assert.Equal(new DirectoryInfo(checkpoint).EnumerateFiles().Where(f => f.Name != "metrics.json").Sum(f => f.Length), report.Bytes);

        using var again = new InterruptingObserver();
        var finished = JobRunner.Run(plan, again, again.Token);

        Assert.False(finished.Interrupted);
        Assert.Equal(steps, finished.Steps);
        Assert.Equal(1, Assert.Single(again.Recorded.Starts).ResumedFromStep);
        Assert.Equal(Enumerable.Range(2, (int)steps - 1).Select(s => (long)s), again.Recorded.Steps.Select(s => s.Step));
        Assert.True(File.Exists(job.RunPath(stage, "merged", "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(job.RunPath(stage, "checkpoints", $"step-{steps}"), TrainingCheckpoint.StateFile)));
    }
}
