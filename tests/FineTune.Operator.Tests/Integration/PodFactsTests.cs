using FineTune.Api.V1Alpha1;
using FineTune.LocalApiServer.Workloads;
using FineTune.Operator.Status;
using FineTune.Operator.Tests.Support;
using k8s.Models;

namespace FineTune.Operator.Tests.Integration;

/// <summary>Pod-level facts reach status and events through the pod informer (pods played by the JobDriver).</summary>
public sealed class PodFactsTests : ClusterFixture
{
    private JobDriver driver = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        driver = new JobDriver(Server);
        driver.Start();
    }

    public override async Task DisposeAsync()
    {
        await driver.DisposeAsync();
        await base.DisposeAsync();
    }

    private async Task<V1Pod> FirstPodAsync(string name)
    {
        var k8sJob = await WaitForTrainingJob(name, "train");
        return await Eventually(() => driver.PodsOf(Ns, k8sJob.Metadata.Name).FirstOrDefault(), _ => true, "the Job's pod");
    }

    [Fact]
    public async Task Unschedulable_pod_becomes_the_running_condition_and_a_warning()
    {
        await StartOperatorAsync();
        await CreateAsync(TestJobs.Lora());
        var pod = await FirstPodAsync("support-bot");

        Server.Objects.Update<V1Pod>(Ns, pod.Metadata.Name, p => p.Status = new V1PodStatus
        {
            Phase = "Pending",
            Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = "Unschedulable", Message = "0/2 nodes are available: 2 Insufficient nvidia.com/gpu." }],
        });

        var stuck = await Eventually(() => Get("support-bot"),
            j => Conditions.Find(j.Status?.Conditions, ConditionTypes.Running)?.Reason == "Unschedulable", "an Unschedulable Running condition");
        Assert.Contains("Insufficient nvidia.com/gpu", Conditions.Find(stuck.Status!.Conditions, ConditionTypes.Running)!.Message);
        Assert.Equal(JobPhase.Pending, stuck.Status.Phase);
        await Eventually(() => Server.Objects.List<Corev1Event>(Ns), e => e.Count(x => x.Reason == "Unschedulable" && x.Type == "Warning") == 1, "one Unschedulable warning");

        driver.MarkPodRunning(Ns, pod.Metadata.Name);
        var running = await WaitForPhase("support-bot", JobPhase.Running);
        Assert.Equal(ConditionReasons.StageRunning, Conditions.Find(running.Status!.Conditions, ConditionTypes.Running)!.Reason);
    }

    [Fact]
    public async Task Trainer_exit_2_fails_the_stage_at_once_with_the_exit_code()
    {
        await StartOperatorAsync();
        await CreateAsync(TestJobs.Lora());
        var pod = await FirstPodAsync("support-bot");

        driver.MarkPodRunning(Ns, pod.Metadata.Name);
        try
        {
            driver.MarkPodFailed(Ns, pod.Metadata.Name, 2, message: "dataset.uri: line 3 is not JSON");
        }
        catch (FineTune.LocalApiServer.Errors.ApiException)
        {
            // The operator may stop the Job before the driver's own pass over it: that pass then finds no Job.
        }

        var failed = await WaitForPhase("support-bot", JobPhase.Failed);
        var stage = Assert.Single(failed.Status!.Stages!);
        Assert.Equal(StagePhase.Failed, stage.Phase);
        Assert.Contains("exited with code 2", stage.Message);
        Assert.Contains("invalid input", stage.Message);
        Assert.Contains("line 3 is not JSON", stage.Message);
        await Eventually(() => Server.Objects.List<Corev1Event>(Ns),
            e => e.Any(x => x.Reason == ConditionReasons.StageFailed && x.Message.Contains("code 2")), "a StageFailed event naming the exit code");
        // Not retried: the Job's podFailurePolicy failed it (or the operator deleted it first), and no second pod came.
        await Eventually(() => TrainingJobs("support-bot"),
            jobs => jobs.All(j => j.Status?.Conditions?.Any(c => c.Type == "Failed" && c.Status == "True") == true), "the Job to be failed or deleted");
        Assert.True(Server.Objects.List<V1Pod>(Ns).Count(p => p.Metadata.Name.StartsWith("support-bot-", StringComparison.Ordinal)) <= 1,
            "a replacement pod was created for a trainer that exited 2");
    }

    [Fact]
    public async Task Retryable_exit_is_shown_on_the_stage_while_the_job_retries()
    {
        await StartOperatorAsync();
        var job = TestJobs.Lora();
        job.Spec.RunPolicy.BackoffLimit = 3;
        await CreateAsync(job);
        var k8sJob = await WaitForTrainingJob("support-bot", "train");
        var first = await FirstPodAsync("support-bot");

        driver.MarkPodRunning(Ns, first.Metadata.Name);
        driver.MarkPodFailed(Ns, first.Metadata.Name, 1, message: "storage unreachable");
        var second = await Eventually(() => driver.ActivePodOf(Ns, k8sJob.Metadata.Name), p => p.Metadata.Name != first.Metadata.Name, "a second pod");
        driver.MarkPodRunning(Ns, second.Metadata.Name);

        var retrying = await Eventually(() => Get("support-bot"),
            j => j.Status?.Phase == JobPhase.Running && j.Status.Stages?[0].Message?.Contains("code 1") == true, "the retry on the stage");
        Assert.Contains("retrying after", retrying.Status!.Stages![0].Message);
        await Eventually(() => Server.Objects.List<Corev1Event>(Ns), e => e.Any(x => x.Reason == "StageRetrying" && x.Type == "Warning"), "a StageRetrying warning");
    }
}
