using FineTune.LocalApiServer.Workloads;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace FineTune.LocalApiServer.Tests.Workloads;

/// <summary>podFailurePolicy, activeDeadlineSeconds and graceful suspend, as the Job controller handles them.</summary>
public sealed class JobDriverPolicyTests : ServerFixture
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private JobDriver _driver = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _driver = new JobDriver(Server, new JobDriverOptions { GracefulTermination = true }, _clock);
        _driver.Start();
    }

    public override async Task DisposeAsync()
    {
        await _driver.DisposeAsync();
        await base.DisposeAsync();
    }

    private static V1PodFailurePolicyRule OnExitCodes(string action, string op, params int[] codes) => new()
    {
        Action = action,
        OnExitCodes = new V1PodFailurePolicyOnExitCodesRequirement { ContainerName = "trainer", OperatorProperty = op, Values = codes },
    };

    private static V1PodFailurePolicyRule OnDisruption(string action) => new()
    {
        Action = action,
        OnPodConditions = [new V1PodFailurePolicyOnPodConditionsPattern { Type = "DisruptionTarget", Status = "True" }],
    };

    private V1Job CreateJob(string name, int backoffLimit = 6, long? activeDeadlineSeconds = null, params V1PodFailurePolicyRule[] rules)
    {
        Client.BatchV1.CreateNamespacedJob(new V1Job
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1JobSpec
            {
                BackoffLimit = backoffLimit,
                ActiveDeadlineSeconds = activeDeadlineSeconds,
                PodFailurePolicy = rules.Length == 0 ? null : new V1PodFailurePolicy { Rules = rules },
                Template = new V1PodTemplateSpec
                {
                    Spec = new V1PodSpec
                    {
                        RestartPolicy = "Never", TerminationGracePeriodSeconds = 60,
                        Containers = [new V1Container { Name = "trainer", Image = "trainer:1" }],
                    },
                },
            },
        }, "default");
        return _driver.SyncJob("default", name)!;
    }

    private V1Job Job(string name) => Server.Objects.Get<V1Job>("default", name)!;

    private static V1JobCondition? Condition(V1Job job, string type) =>
        job.Status?.Conditions?.FirstOrDefault(c => c.Type == type && c.Status == "True");

    [Fact]
    public void FailJob_rule_on_an_exit_code_fails_the_job_without_retrying()
    {
        CreateJob("train", backoffLimit: 6, rules: OnExitCodes("FailJob", "In", 42));

        var job = _driver.FailJobAttempt("default", "train", exitCode: 42);

        var failed = Condition(job, "Failed");
        Assert.NotNull(failed);
        Assert.Equal("PodFailurePolicy", failed.Reason);
        Assert.Contains("failed with exit code 42 matching FailJob rule at index 0", failed.Message);
        Assert.Equal(1, job.Status.Failed);
        Assert.Null(_driver.ActivePodOf("default", "train"));
    }

    [Fact]
    public void Exit_code_outside_the_FailJob_rule_counts_and_the_job_retries()
    {
        CreateJob("train", backoffLimit: 6, rules: OnExitCodes("FailJob", "In", 42));

        var job = _driver.FailJobAttempt("default", "train", exitCode: 1);

        Assert.Null(Condition(job, "Failed"));
        Assert.Equal(1, job.Status.Failed);
        Assert.NotNull(_driver.ActivePodOf("default", "train"));
    }

    [Fact]
    public void NotIn_rule_matches_every_other_non_zero_exit_code()
    {
        CreateJob("train", rules: OnExitCodes("FailJob", "NotIn", 1, 2));

        Assert.Null(Condition(_driver.FailJobAttempt("default", "train", exitCode: 2), "Failed"));
        Assert.Equal("PodFailurePolicy", Condition(_driver.FailJobAttempt("default", "train", exitCode: 3), "Failed")?.Reason);
    }

    [Fact]
    public void Ignore_rule_on_DisruptionTarget_does_not_count_towards_backoffLimit()
    {
        CreateJob("train", backoffLimit: 0, rules: OnDisruption("Ignore"));
        var pod = _driver.ActivePodOf("default", "train")!;
        _driver.MarkPodRunning("default", pod.Metadata.Name);

        _driver.DisruptPod("default", pod.Metadata.Name);

        var job = Job("train");
        Assert.Null(Condition(job, "Failed"));
        Assert.Null(job.Status.Failed);
        var replacement = _driver.ActivePodOf("default", "train");
        Assert.NotNull(replacement);
        Assert.NotEqual(pod.Metadata.Name, replacement.Metadata.Name);

        // A real failure still counts: backoffLimit 0 fails the Job at the first one.
        Assert.Equal("BackoffLimitExceeded", Condition(_driver.FailJobAttempt("default", "train", exitCode: 1), "Failed")?.Reason);
    }

    [Fact]
    public void Count_rule_counts_the_failure_like_no_rule()
    {
        CreateJob("train", backoffLimit: 0, rules: OnExitCodes("Count", "In", 5));

        var job = _driver.FailJobAttempt("default", "train", exitCode: 5);

        Assert.Equal("BackoffLimitExceeded", Condition(job, "Failed")?.Reason);
        Assert.Equal(1, job.Status.Failed);
    }

    [Fact]
    public void Active_deadline_fails_the_job_when_its_time_comes_without_another_change()
    {
        CreateJob("train", activeDeadlineSeconds: 600);
        var pod = _driver.ActivePodOf("default", "train")!;

        _clock.Advance(TimeSpan.FromSeconds(599));
        Assert.Null(Condition(Job("train"), "Failed"));
        _clock.Advance(TimeSpan.FromSeconds(1));

        var job = Job("train");
        Assert.Equal("DeadlineExceeded", Condition(job, "Failed")?.Reason);
        // The running pod was told to stop: it is terminating, then killed when its grace period runs out.
        Assert.NotNull(Server.Objects.Get<V1Pod>("default", pod.Metadata.Name)?.Metadata.DeletionTimestamp);
        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Null(Server.Objects.Get<V1Pod>("default", pod.Metadata.Name));
    }

    [Fact]
    public void Suspend_terminates_the_pod_gracefully_and_its_exit_is_not_a_failure()
    {
        CreateJob("train", backoffLimit: 0);
        var pod = _driver.ActivePodOf("default", "train")!;
        _driver.MarkPodRunning("default", pod.Metadata.Name);

        Server.Objects.Update<V1Job>("default", "train", j => j.Spec.Suspend = true);
        var suspended = _driver.SyncJob("default", "train")!;

        var terminating = Server.Objects.Get<V1Pod>("default", pod.Metadata.Name)!;
        Assert.NotNull(terminating.Metadata.DeletionTimestamp);
        Assert.Equal(60, terminating.Metadata.DeletionGracePeriodSeconds);
        Assert.Equal(1, suspended.Status.Terminating);
        Assert.Null(suspended.Status.Active);
        Assert.NotNull(Condition(suspended, "Suspended"));

        // The trainer checkpoints on SIGTERM and exits 143: the kubelet removes the pod, the Job does not count it.
        _driver.MarkPodFailed("default", pod.Metadata.Name, 143);
        Assert.Null(Server.Objects.Get<V1Pod>("default", pod.Metadata.Name));
        var after = _driver.SyncJob("default", "train")!;
        Assert.Null(after.Status.Failed);
        Assert.Equal(0, after.Status.Terminating);
        Assert.Null(Condition(after, "Failed"));

        Server.Objects.Update<V1Job>("default", "train", j => j.Spec.Suspend = false);
        _driver.SyncJob("default", "train");
        Assert.NotNull(_driver.ActivePodOf("default", "train"));
    }

    [Fact]
    public void Suspended_pod_that_ignores_SIGTERM_is_killed_after_its_grace_period()
    {
        CreateJob("train");
        var pod = _driver.ActivePodOf("default", "train")!;
        _driver.MarkPodRunning("default", pod.Metadata.Name);
        Server.Objects.Update<V1Job>("default", "train", j => j.Spec.Suspend = true);
        _driver.SyncJob("default", "train");

        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.NotNull(Server.Objects.Get<V1Pod>("default", pod.Metadata.Name));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(Server.Objects.Get<V1Pod>("default", pod.Metadata.Name));
        Assert.Null(_driver.SyncJob("default", "train")!.Status.Failed);
    }
}
