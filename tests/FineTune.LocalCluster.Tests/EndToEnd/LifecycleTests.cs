using FineTune.Api.Contract;
using FineTune.Api.V1Alpha1;
using FineTune.LocalCluster.Runner;
using FineTune.LocalCluster.Tests.Support;
using k8s;
using k8s.Models;

namespace FineTune.LocalCluster.Tests.EndToEnd;

/// <summary>
/// What happens to a running job through the real operator and real trainer processes: a killed trainer is retried and
/// resumes from its checkpoint, suspend checkpoints and resume continues from that step, and a restarted operator
/// takes over a run without starting it again.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class LifecycleTests(EndToEndCluster e2e)
{
    [Fact]
    public async Task Trainer_killed_mid_run_is_retried_and_resumes_from_its_last_checkpoint()
    {
        const string name = "killed";
        // The tiny model trains at tens of steps per second: enough steps that the kill lands mid-run.
        const int steps = 90;
        await e2e.ApplyAsync(TestManifests.Job(e2e.Storage, name, "full", save: "merged", maxSteps: steps, checkpointEverySteps: 3, backoffLimit: 2));
        var first = await RunningPodAsync(name);
        var log = await LogUntilAsync(first, l => TrainerLog.Checkpoints(l).Count > 0, "a first checkpoint");
        var process = e2e.Cluster.Kubelet.ProcessOf(EndToEndCluster.Ns, first.Metadata.Name);
        Assert.True(process is not null && UnixSignals.Send(process.Pid, UnixSignals.Kill), $"the trainer finished before it could be killed:\n{log}");
        Assert.Equal(128 + UnixSignals.Kill, await process.Exited.WaitAsync(EndToEndCluster.Patience));
        var checkpointed = TrainerLog.Checkpoints(e2e.LogOf(first.Metadata.Name)).Max();

        var job = await e2e.WaitForSuccessAsync(name);

        var pods = e2e.PodsOf(name);
        Assert.Equal(2, pods.Count); // the killed attempt and its retry, in the same Job
        Assert.Equal(137, pods[0].Status.ContainerStatuses.Single().State.Terminated.ExitCode);
        var resumed = TrainerLog.ResumedFrom(e2e.LogOf(pods[1].Metadata.Name));
        Assert.True(resumed == checkpointed, $"the retry resumed from step {resumed?.ToString() ?? "none"}, the killed run's last checkpoint was {checkpointed}");
        Assert.Single(e2e.TrainingJobsOf(name));
        Assert.Equal(steps, job.Status!.Progress?.Step);
        Assert.True(job.Status.LastCheckpoint is { Step: steps }, $"status.lastCheckpoint: {KubernetesJson.Serialize(job.Status.LastCheckpoint)}");
    }

    [Fact]
    public async Task Suspend_stops_the_trainer_with_SIGTERM_after_a_checkpoint_and_resume_continues_from_that_step()
    {
        const string name = "paused";
        // Enough steps that the suspension always lands mid-run, however fast the machine trains (about 20 steps/s
        // when idle): two steps in, the rest take seconds.
        const int steps = 200;
        await e2e.ApplyAsync(TestManifests.Job(e2e.Storage, name, "lora", "lora: {rank: 4, targetModules: [c_attn]}", maxSteps: steps, checkpointEverySteps: 1000));
        var first = await RunningPodAsync(name);
        await LogUntilAsync(first, l => TrainerLog.Steps(l) >= 2, "two steps");
        var process = e2e.Cluster.Kubelet.ProcessOf(EndToEndCluster.Ns, first.Metadata.Name)!;

        await SetSuspendAsync(name, true);

        await e2e.WaitForAsync(name, j => j.Status?.Phase == JobPhase.Suspended, "Suspended phase");
        Assert.Equal(TrainerExitCodes.Interrupted, await process.Exited.WaitAsync(EndToEndCluster.Patience));
        var interruptedLog = e2e.LogOf(first.Metadata.Name);
        var checkpoint = Assert.Single(TrainerLog.Checkpoints(interruptedLog)); // only the one SIGTERM asked for
        Assert.True(checkpoint is > 0 and < steps, $"checkpoint at step {checkpoint}");
        // The pod stays terminating until the kubelet has reported its container's exit, then goes.
        await e2e.WaitForAsync(name, _ => e2e.PodsOf(name).Count == 0, "the suspended pod to go");

        await SetSuspendAsync(name, false);

        var job = await e2e.WaitForSuccessAsync(name);
        var resumedPod = Assert.Single(e2e.PodsOf(name));
        Assert.Equal(checkpoint, TrainerLog.ResumedFrom(e2e.LogOf(resumedPod.Metadata.Name)));
        Assert.Equal(steps, job.Status!.Progress?.Step);
    }

    [Fact]
    public async Task Operator_restarted_mid_run_converges_without_a_second_training_job()
    {
        const string name = "restarted";
        // Enough steps that the run is still going while the operator is down (the tiny model trains fast).
        await e2e.ApplyAsync(TestManifests.Job(e2e.Storage, name, "adapter", "adapter: {reductionFactor: 4}", maxSteps: 400));
        var pod = await RunningPodAsync(name);
        await LogUntilAsync(pod, l => TrainerLog.Steps(l) >= 2, "two steps");

        await e2e.Cluster.StopOperatorAsync();
        // Training goes on without the operator; its progress still reaches the status (the trainer patches it).
        var before = e2e.Job(name).Status?.Progress?.Step ?? 0;
        await e2e.WaitForAsync(name, j => j.Status?.Progress?.Step > before, "progress while the operator is down");
        await e2e.Cluster.StartOperatorAsync();

        var job = await e2e.WaitForSuccessAsync(name);
        Assert.Single(e2e.TrainingJobsOf(name));
        Assert.Equal(pod.Metadata.Name, Assert.Single(e2e.PodsOf(name)).Metadata.Name);
        Assert.Equal(1, Assert.Single(job.Status!.Stages ?? []).Attempts);
    }

    private async Task<V1Pod> RunningPodAsync(string name)
    {
        await e2e.WaitForAsync(name, _ => e2e.PodsOf(name).Any(p => p.Status?.Phase == "Running"), "running pod");
        return e2e.PodsOf(name).First(p => p.Status?.Phase == "Running");
    }

    private async Task<string> LogUntilAsync(V1Pod pod, Func<string, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + EndToEndCluster.Patience;
        while (DateTime.UtcNow < deadline)
        {
            var log = e2e.LogOf(pod.Metadata.Name);
            if (condition(log)) return log;
            await Task.Delay(50);
        }
        throw new TimeoutException($"pod {pod.Metadata.Name}: no {what} in its log within {EndToEndCluster.Patience}:\n{e2e.LogOf(pod.Metadata.Name)}");
    }

    private Task SetSuspendAsync(string name, bool suspend) =>
        e2e.Cluster.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch($"{{\"spec\":{{\"runPolicy\":{{\"suspend\":{(suspend ? "true" : "false")}}}}}}}", V1Patch.PatchType.MergePatch),
            FineTuneJobApi.Group, FineTuneJobApi.Version, EndToEndCluster.Ns, FineTuneJobApi.Plural, name);
}
