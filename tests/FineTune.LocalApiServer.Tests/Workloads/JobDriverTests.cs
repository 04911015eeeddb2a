using FineTune.LocalApiServer.Resources;
using FineTune.LocalApiServer.Selectors;
using FineTune.LocalApiServer.Workloads;
using k8s;
using k8s.Models;

namespace FineTune.LocalApiServer.Tests.Workloads;

public sealed class JobDriverTests : ServerFixture
{
    private JobDriver _driver = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _driver = new JobDriver(Server);
    }

    public override async Task DisposeAsync()
    {
        await _driver.DisposeAsync();
        await base.DisposeAsync();
    }

    private Task<V1Job> CreateJobAsync(string name, int? backoffLimit = null, bool? suspend = null) =>
        Client.BatchV1.CreateNamespacedJobAsync(new V1Job
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1JobSpec
            {
                BackoffLimit = backoffLimit,
                Suspend = suspend,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "trainer" } },
                    Spec = new V1PodSpec { RestartPolicy = "Never", Containers = [new V1Container { Name = "trainer", Image = "trainer:1" }] },
                },
            },
        }, "default");

    private static string? Condition(V1Job job, string type) => job.Status?.Conditions?.FirstOrDefault(c => c.Type == type)?.Status;

    [Fact]
    public async Task A_started_driver_creates_a_pod_owned_by_the_job_with_its_labels()
    {
        _driver.Start();
        var rv = (await Client.CoreV1.ListNamespacedPodAsync("default")).Metadata.ResourceVersion;
        await using var pods = new WatchRecorder<V1Pod, V1PodList>(t =>
            Client.CoreV1.ListNamespacedPodWithHttpMessagesAsync("default", resourceVersion: rv, labelSelector: "job-name=train", watch: true, cancellationToken: t));
        var job = await CreateJobAsync("train");

        var added = await pods.NextChangeAsync(Patience);
        Assert.Equal(WatchEventType.Added, added.Type);
        var pod = added.Object;
        Assert.StartsWith("train-", pod.Metadata.Name);
        Assert.Equal(job.Metadata.Uid, pod.Metadata.OwnerReferences.Single().Uid);
        Assert.True(pod.Metadata.OwnerReferences.Single().Controller);
        Assert.Equal("train", pod.Metadata.Labels[JobDriver.JobNameLabel]);
        Assert.Equal(job.Metadata.Uid, pod.Metadata.Labels[JobDriver.ControllerUidLabel]);
        Assert.Equal("trainer", pod.Metadata.Labels["app"]);
        Assert.Equal("Pending", pod.Status.Phase);
    }

    [Fact]
    public async Task Running_then_succeeded_pod_completes_the_job()
    {
        await CreateJobAsync("ok");
        _driver.SyncJob("default", "ok");
        var pod = _driver.MarkPodRunning("default", _driver.ActivePodOf("default", "ok")!.Metadata.Name);
        var running = await Client.BatchV1.ReadNamespacedJobAsync("ok", "default");
        Assert.Equal(1, running.Status.Active);
        Assert.Equal(1, running.Status.Ready);
        Assert.NotNull(running.Status.StartTime);
        Assert.Equal("Running", pod.Status.Phase);

        _driver.MarkPodSucceeded("default", pod.Metadata.Name);
        var done = await Client.BatchV1.ReadNamespacedJobAsync("ok", "default");
        Assert.Equal(1, done.Status.Succeeded);
        Assert.Null(done.Status.Active);
        Assert.NotNull(done.Status.CompletionTime);
        Assert.Equal("True", Condition(done, "Complete"));
        Assert.Equal("True", Condition(done, "SuccessCriteriaMet"));
        Assert.Equal(0, (await Client.CoreV1.ReadNamespacedPodAsync(pod.Metadata.Name, "default")).Status.ContainerStatuses[0].State.Terminated.ExitCode);
    }

    [Fact]
    public async Task Failed_attempts_are_retried_until_the_backoff_limit_then_the_job_fails()
    {
        await CreateJobAsync("flaky", backoffLimit: 1);
        var afterFirst = _driver.FailJobAttempt("default", "flaky", exitCode: 3);
        Assert.Equal(1, afterFirst.Status.Failed);
        Assert.Equal(1, afterFirst.Status.Active);
        Assert.Null(Condition(afterFirst, "Failed"));

        var afterSecond = _driver.FailJobAttempt("default", "flaky", exitCode: 3);
        Assert.Equal(2, afterSecond.Status.Failed);
        Assert.Equal("True", Condition(afterSecond, "Failed"));
        Assert.Equal("BackoffLimitExceeded", afterSecond.Status.Conditions.First(c => c.Type == "Failed").Reason);
        Assert.Null(afterSecond.Status.Active);
        var pods = _driver.PodsOf("default", "flaky");
        Assert.Equal(2, pods.Count);
        Assert.All(pods, p => Assert.Equal(3, p.Status.ContainerStatuses[0].State.Terminated.ExitCode));
    }

    [Fact]
    public async Task Suspending_removes_the_running_pod_and_resuming_starts_a_new_one()
    {
        await CreateJobAsync("pausable");
        _driver.Start();
        var first = await WaitForAsync(() => _driver.ActivePodOf("default", "pausable"));
        _driver.MarkPodRunning("default", first.Metadata.Name);

        await Client.BatchV1.PatchNamespacedJobAsync(new V1Patch("{\"spec\":{\"suspend\":true}}", V1Patch.PatchType.MergePatch), "pausable", "default");
        var suspended = await WaitForAsync(() => Server.Objects.Get<V1Job>("default", "pausable") is { } j && Condition(j, "Suspended") == "True" ? j : null);
        Assert.Null(suspended.Status.Active);
        Assert.Null(Server.Objects.Get<V1Pod>("default", first.Metadata.Name));

        await Client.BatchV1.PatchNamespacedJobAsync(new V1Patch("{\"spec\":{\"suspend\":false}}", V1Patch.PatchType.MergePatch), "pausable", "default");
        var second = await WaitForAsync(() => _driver.ActivePodOf("default", "pausable"));
        Assert.NotEqual(first.Metadata.Name, second.Metadata.Name);
        var resumed = Server.Objects.Get<V1Job>("default", "pausable")!;
        Assert.Equal("False", Condition(resumed, "Suspended"));
        Assert.Equal("JobResumed", resumed.Status.Conditions.First(c => c.Type == "Suspended").Reason);
    }

    [Fact]
    public async Task A_job_created_suspended_gets_no_pod_until_resumed()
    {
        await CreateJobAsync("queued", suspend: true);
        var job = _driver.SyncJob("default", "queued")!;
        Assert.Equal("True", Condition(job, "Suspended"));
        Assert.Empty(_driver.PodsOf("default", "queued"));
        Assert.Null(job.Status.StartTime);
    }

    /// <summary>
    /// Waits until <paramref name="probe"/> holds, re-checking on every Job or Pod change in the store (no sleeps), with
    /// a deadline.
    /// </summary>
    private async Task<T> WaitForAsync<T>(Func<T?> probe) where T : class
    {
        var from = Server.Store.CurrentRevision.ToString();
        using var jobs = Server.Store.Watch(BuiltInResources.Jobs, null, LabelSelector.Everything, FieldSelector.Everything, from);
        using var pods = Server.Store.Watch(BuiltInResources.Pods, null, LabelSelector.Everything, FieldSelector.Everything, from);
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            if (probe() is { } value) return value;
            await Task.WhenAny(jobs.Events.WaitToReadAsync(deadline.Token).AsTask(), pods.Events.WaitToReadAsync(deadline.Token).AsTask());
            deadline.Token.ThrowIfCancellationRequested();
            while (jobs.Events.TryRead(out _) || pods.Events.TryRead(out _)) { }
        }
    }
}
