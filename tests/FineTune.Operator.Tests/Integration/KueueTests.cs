using FineTune.Api.V1Alpha1;
using FineTune.Operator.Status;
using FineTune.Operator.Tests.Support;
using k8s;
using k8s.Models;

namespace FineTune.Operator.Tests.Integration;

/// <summary>spec.scheduling.kueue: admission is Kueue's (the test plays Kueue by un-suspending the Job).</summary>
public sealed class KueueTests : ClusterFixture
{
    private static FineTuneJob KueueJob()
    {
        var job = TestJobs.Lora();
        job.Spec.Scheduling.Kueue = true;
        job.Spec.Scheduling.Queue = "team-a";
        return job;
    }

    /// <summary>Kueue admits a workload by setting the Job's spec.suspend to false through the API.</summary>
    private Task AdmitAsync(V1Job job)
        => Client.BatchV1.PatchNamespacedJobAsync(new V1Patch("""{"spec":{"suspend":false}}""", V1Patch.PatchType.MergePatch), job.Metadata.Name, Ns);

    private async Task<V1Job> WaitForQueuedJobAsync()
    {
        var k8sJob = await Eventually(() => TrainingJobs("support-bot").FirstOrDefault(j => j.Metadata.DeletionTimestamp is null), _ => true, "a Kueue Job");
        Assert.True(k8sJob.Spec.Suspend);
        Assert.Equal("team-a", k8sJob.Metadata.Labels["kueue.x-k8s.io/queue-name"]);
        var queued = await WaitForPhase("support-bot", JobPhase.Queued);
        Assert.Contains("waits for Kueue", Conditions.Find(queued.Status!.Conditions, ConditionTypes.Running)!.Message);
        return k8sJob;
    }

    [Fact]
    public async Task Job_waits_suspended_in_the_local_queue_until_kueue_admits_it()
    {
        await StartOperatorAsync();
        await CreateAsync(KueueJob());
        var k8sJob = await WaitForQueuedJobAsync();

        await AdmitAsync(k8sJob);
        MarkRunning(k8sJob);
        var running = await WaitForPhase("support-bot", JobPhase.Running);
        Assert.Equal(ConditionReasons.DelegatedToKueue, Conditions.Find(running.Status!.Conditions, ConditionTypes.Admitted)!.Reason);
        Assert.False(Server.Objects.Get<V1Job>(Ns, k8sJob.Metadata.Name)!.Spec.Suspend);

        MarkSucceeded(k8sJob);
        await WaitForPhase("support-bot", JobPhase.Succeeded);
    }

    [Fact]
    public async Task Own_suspend_stops_a_kueue_run_and_resume_queues_it_again()
    {
        await StartOperatorAsync();
        await CreateAsync(KueueJob());
        var first = await WaitForQueuedJobAsync();
        await AdmitAsync(first);
        MarkRunning(first, failed: 1);
        await WaitForPhase("support-bot", JobPhase.Running);

        await EditAsync("support-bot", spec => spec.RunPolicy.Suspend = true);
        var suspended = await WaitForPhase("support-bot", JobPhase.Suspended);
        // Kueue would restart an admitted Job whose spec.suspend someone else set, so the Job is deleted instead.
        Assert.Empty(TrainingJobs("support-bot"));
        Assert.Equal(StagePhase.Suspended, suspended.Status!.Stages![0].Phase);

        await EditAsync("support-bot", spec => spec.RunPolicy.Suspend = false);
        var second = await WaitForQueuedJobAsync();
        Assert.Equal(first.Metadata.Name, second.Metadata.Name);
        await AdmitAsync(second);
        MarkRunning(second);
        var resumed = await WaitForPhase("support-bot", JobPhase.Running);
        Assert.Equal(ConditionReasons.Resumed, Conditions.Find(resumed.Status!.Conditions, ConditionTypes.Suspended)!.Reason);
        Assert.Equal(2, resumed.Status.Stages![0].Attempts);
    }
}
