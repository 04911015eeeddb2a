using FineTune.Api.V1Alpha1;
using FineTune.Operator.Tests.Support;

namespace FineTune.Operator.Tests.Integration;

public class PipelineTests : ClusterFixture
{
    [Fact]
    public async Task Rlhf_stages_run_one_after_another_in_order()
    {
        await StartOperatorAsync();
        await CreateAsync(TestJobs.Rlhf());
        var order = new List<string>();
        foreach (var stage in new[] { "sft", "reward", "ppo" })
        {
            var k8sJob = await WaitForTrainingJob("chat-align", stage);
            order.Add(stage);
            // Only the stages up to this one exist: a stage starts only after the previous one succeeded.
            Assert.Equal(order.Count, TrainingJobs("chat-align").Count);
            MarkRunning(k8sJob);
            var running = await Eventually(() => Get("chat-align"), j => j.Status?.Phase == JobPhase.Running && j.Status.CurrentStage == stage, $"stage {stage} running");
            Assert.Equal(StagePhase.Running, running.Status!.Stages!.Single(s => s.Name == stage).Phase);
            MarkSucceeded(k8sJob);
        }
        var done = await WaitForPhase("chat-align", JobPhase.Succeeded);
        Assert.All(done.Status!.Stages!, s => Assert.Equal(StagePhase.Succeeded, s.Phase));
        Assert.Equal(3, TrainingJobs("chat-align").Count);
        var ppoInputs = TrainingJobs("chat-align").Single(j => j.Metadata.Labels["finetune.dev/stage"] == "ppo")
            .Spec.Template.Spec.Containers[0].Env.Single(e => e.Name == "FINETUNE_STAGE_INPUTS").Value;
        Assert.Contains("/sft/", ppoInputs);
        Assert.Contains("/reward/", ppoInputs);
    }

    [Fact]
    public async Task Retried_pods_stay_in_one_job_and_the_stage_counts_attempts()
    {
        await StartOperatorAsync();
        await CreateAsync(TestJobs.Lora());
        var k8sJob = await WaitForTrainingJob("support-bot", "train");
        MarkRunning(k8sJob);
        await WaitForPhase("support-bot", JobPhase.Running);
        // Two pods failed and the Job controller started a third, which resumes from the stage's checkpoint.
        MarkRunning(k8sJob, failed: 2);
        var retried = await Eventually(() => Get("support-bot"), j => j.Status?.Stages?[0].Attempts == 3, "3 attempts");
        Assert.Equal(JobPhase.Running, retried.Status!.Phase);
        Assert.Single(TrainingJobs("support-bot"));
        Assert.Equal(3, k8sJob.Spec.BackoffLimit);
        MarkSucceeded(k8sJob);
        await WaitForPhase("support-bot", JobPhase.Succeeded);
    }

    [Fact]
    public async Task Suspend_checkpoints_and_stops_then_resume_continues_the_same_job()
    {
        await StartOperatorAsync();
        await CreateAsync(TestJobs.Lora());
        var k8sJob = await WaitForTrainingJob("support-bot", "train");
        MarkRunning(k8sJob);
        await WaitForPhase("support-bot", JobPhase.Running);

        await EditAsync("support-bot", s => s.RunPolicy.Suspend = true);
        await Eventually(() => TrainingJobs("support-bot").Single(), j => j.Spec.Suspend == true, "the Job to be suspended");
        MarkSuspended(k8sJob);
        var suspended = await WaitForPhase("support-bot", JobPhase.Suspended);
        Assert.Equal(StagePhase.Suspended, suspended.Status!.Stages![0].Phase);

        await EditAsync("support-bot", s => s.RunPolicy.Suspend = false);
        await Eventually(() => TrainingJobs("support-bot").Single(), j => j.Spec.Suspend == false, "the Job to be resumed");
        MarkRunning(k8sJob);
        var resumed = await WaitForPhase("support-bot", JobPhase.Running);
        Assert.Equal(suspended.Status.RunId, resumed.Status!.RunId);
        Assert.Single(TrainingJobs("support-bot"));
    }

    [Fact]
    public async Task Spec_change_after_a_run_retrains_and_an_unchanged_reapply_does_nothing()
    {
        await StartOperatorAsync();
        await CreateAsync(TestJobs.Lora());
        var first = await WaitForTrainingJob("support-bot", "train");
        MarkSucceeded(first);
        var done = await WaitForPhase("support-bot", JobPhase.Succeeded);

        await EditAsync("support-bot", _ => { });
        await EditAsync("support-bot", s => s.Resources.Gpus = 2); // operational only: no retraining
        await Eventually(() => Get("support-bot"), j => j.Status?.ObservedGeneration == j.Metadata.Generation, "the edit to be observed");
        Assert.Equal(done.Status!.RunId, Get("support-bot")!.Status!.RunId);
        Assert.Single(TrainingJobs("support-bot"));

        await EditAsync("support-bot", s => s.Hyperparameters.LearningRate = 1e-4);
        var retraining = await Eventually(() => Get("support-bot"), j => j.Status?.RunId != done.Status.RunId && j.Status?.History?.Count == 1, "a new run");
        Assert.Equal(done.Status.RunId, retraining.Status!.History![0].RunId);
        var second = await Eventually(() => TrainingJobs("support-bot"), j => j.Count == 2, "the new run's Job").ContinueWith(t => t.Result.Single(j => j.Metadata.Name != first.Metadata.Name));
        MarkSucceeded(second);
        var retrained = await WaitForPhase("support-bot", JobPhase.Succeeded);
        Assert.Contains(retrained.Status!.RunId!, retrained.Status.Outputs!.Adapter);
    }

    [Fact]
    public async Task Spec_change_during_a_run_restarts_it()
    {
        await StartOperatorAsync();
        await CreateAsync(TestJobs.Lora());
        var first = await WaitForTrainingJob("support-bot", "train");
        MarkRunning(first);
        var running = await WaitForPhase("support-bot", JobPhase.Running);
        await EditAsync("support-bot", s => s.Dataset!.Uri = "s3://datasets/support/v2.jsonl");
        await Eventually(() => TrainingJobs("support-bot"), j => j.Count == 1 && j[0].Metadata.Name != first.Metadata.Name, "the old Job replaced by the new run's");
        var restarted = Get("support-bot")!;
        Assert.NotEqual(running.Status!.RunId, restarted.Status!.RunId);
        Assert.Equal(JobPhase.Failed, restarted.Status.History![0].Phase);
    }
}
