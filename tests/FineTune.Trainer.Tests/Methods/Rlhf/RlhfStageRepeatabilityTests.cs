using FineTune.Trainer.Jobs;
using FineTune.Trainer.Tests.Rlhf;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Methods.Rlhf;

public sealed class RlhfStageRepeatabilityTests
{
    [Theory]
    [InlineData("reward")]
    [InlineData("ppo")]
    public void A_stage_trains_the_same_weights_whatever_drew_from_the_global_generator_before(string stage)
    {
        // ppo trains a lora policy (fresh adapters), reward a fresh score head: both drawn at the start of the stage.
        var weights = new List<byte[]>();
        var losses = new List<double[]>();
        foreach (var before in new long[] { 1, 2 })
        {
            using var job = new RlhfJobFixture("reward, ppo", extra: "    rewardModelUri: model-with-head");
            RlhfStageResumeTests.WriteRewardModel(job, "model-with-head");
            var plan = job.Plan(stage, "1", null);
            manual_seed(before); // whatever ran earlier in the process
            using var observer = new InterruptingObserver();
            Assert.False(JobRunner.Run(plan, observer, observer.Token).Interrupted);
            weights.Add(File.ReadAllBytes(job.RunPath(stage, "merged", "model.safetensors")));
            losses.Add(observer.Recorded.Steps.Select(s => s.Loss).ToArray());
        }

        Assert.Equal(losses[0], losses[1]);
        Assert.True(weights[0].AsSpan().SequenceEqual(weights[1]), $"{stage}: the merged weights differ between the two runs");
    }
}
