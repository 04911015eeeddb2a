using FineTune.Api.V1Alpha1;
using FineTune.Operator.Finalizers;
using FineTune.Operator.Status;
using FineTune.Operator.Tests.Support;
using k8s;
using k8s.Models;

namespace FineTune.Operator.Tests.Integration;

public class SingleStageLifecycleTests : ClusterFixture
{
    [Fact]
    public async Task Job_goes_pending_running_succeeded_through_the_api_server()
    {
        await StartOperatorAsync();
        await CreateAsync(TestJobs.Lora());

        var k8sJob = await WaitForTrainingJob("support-bot", "train");
        var pending = await WaitForPhase("support-bot", JobPhase.Pending);
        Assert.Contains(CleanupFinalizer.Name, pending.Metadata.Finalizers);
        Assert.Equal(pending.Metadata.Generation, pending.Status!.ObservedGeneration);
        Assert.Equal("registry.local/trainer:test", k8sJob.Spec.Template.Spec.Containers[0].Image);
        Assert.NotNull(Server.Objects.Get<V1ConfigMap>(Ns, k8sJob.Spec.Template.Spec.Volumes.First(v => v.ConfigMap is not null).ConfigMap.Name));
        var role = Server.Objects.Get<V1Role>(Ns, "support-bot-trainer")!;
        Assert.Equal(["support-bot"], role.Rules[0].ResourceNames);
        Assert.NotNull(Server.Objects.Get<V1RoleBinding>(Ns, "support-bot-trainer"));
        Assert.NotNull(Server.Objects.Get<V1ServiceAccount>(Ns, "support-bot-trainer"));

        MarkRunning(k8sJob);
        var running = await WaitForPhase("support-bot", JobPhase.Running);
        Assert.True(Conditions.IsTrue(running.Status!.Conditions, ConditionTypes.Running));

        MarkSucceeded(k8sJob);
        var done = await WaitForPhase("support-bot", JobPhase.Succeeded);
        Assert.EndsWith("/train/adapter/", done.Status!.Outputs!.Adapter);
        Assert.Single(TrainingJobs("support-bot"));
        // Events are recorded right after the status write.
        var events = await Eventually(() => Server.Objects.List<Corev1Event>(Ns).Select(e => e.Reason).ToList(),
            e => e.Contains("RunSucceeded"), "a RunSucceeded event");
        Assert.Contains("RunStarted", events);
        Assert.Contains("StageStarted", events);
        Assert.All(Server.Objects.List<Corev1Event>(Ns), e => Assert.Equal("support-bot", e.InvolvedObject.Name));
    }

    [Fact]
    public async Task Trainer_progress_survives_operator_status_writes()
    {
        await StartOperatorAsync();
        await CreateAsync(TestJobs.Lora());
        var k8sJob = await WaitForTrainingJob("support-bot", "train");
        await WaitForPhase("support-bot", JobPhase.Pending);
        // The trainer's own merge patch of the status subresource.
        var patch = """{"status":{"progress":{"step":10,"totalSteps":100,"percent":10},"lastCheckpoint":{"uri":"s3://runs/x/ckpt/","step":10}}}""";
        await Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch),
            FineTuneJobApi.Group, FineTuneJobApi.Version, Ns, FineTuneJobApi.Plural, "support-bot");
        MarkRunning(k8sJob);
        var running = await WaitForPhase("support-bot", JobPhase.Running);
        Assert.Equal(10, running.Status!.Progress!.Step);
        Assert.Equal(10, running.Status.LastCheckpoint!.Step);
    }

    [Fact]
    public async Task Failed_job_fails_the_run_with_the_reason()
    {
        await StartOperatorAsync();
        await CreateAsync(TestJobs.Lora());
        var k8sJob = await WaitForTrainingJob("support-bot", "train");
        MarkFailed(k8sJob, "PodFailurePolicy", "Container trainer for pod ml/x exited with code 2 matching FailJob rule at index 0", failed: 1);
        var failed = await WaitForPhase("support-bot", JobPhase.Failed);
        var condition = Conditions.Find(failed.Status!.Conditions, ConditionTypes.Succeeded)!;
        Assert.Equal(ConditionReasons.StageFailed, condition.Reason);
        Assert.Contains("exited with code 2", condition.Message);
        await Eventually(() => Server.Objects.List<Corev1Event>(Ns), e => e.Any(x => x.Reason == "RunFailed" && x.Type == "Warning"), "a RunFailed warning");
    }

    [Fact]
    public async Task Deletion_removes_the_jobs_then_the_finalizer()
    {
        await StartOperatorAsync();
        await CreateAsync(TestJobs.Lora());
        var k8sJob = await WaitForTrainingJob("support-bot", "train");
        MarkRunning(k8sJob);
        await WaitForPhase("support-bot", JobPhase.Running);
        await Client.CustomObjects.DeleteNamespacedCustomObjectAsync(FineTuneJobApi.Group, FineTuneJobApi.Version, Ns, FineTuneJobApi.Plural, "support-bot");
        await Eventually(() => (object?)(Get("support-bot") is null ? "gone" : null), _ => true, "the FineTuneJob to be gone");
        Assert.Empty(TrainingJobs("support-bot"));
    }

    [Fact]
    public async Task Missing_secret_is_named_in_a_condition_and_retried_until_it_exists()
    {
        Server.Objects.Delete<V1Secret>(Ns, "minio-credentials");
        await StartOperatorAsync();
        await CreateAsync(TestJobs.Lora());
        var waiting = await Eventually(() => Get("support-bot"),
            j => Conditions.Find(j.Status?.Conditions, ConditionTypes.Ready)?.Reason == ConditionReasons.DependencyMissing, "a DependencyMissing condition");
        Assert.Contains("Secret ml/minio-credentials not found", Conditions.Find(waiting.Status!.Conditions, ConditionTypes.Ready)!.Message);
        Assert.Empty(TrainingJobs("support-bot"));

        // Created without the keys the spec names: still missing, now by key.
        Server.Objects.Create(new V1Secret { ApiVersion = "v1", Kind = "Secret", Metadata = new V1ObjectMeta { Name = "minio-credentials", NamespaceProperty = Ns },
            Data = new Dictionary<string, byte[]> { ["accessKey"] = "a"u8.ToArray() } });
        await Eventually(() => Get("support-bot"),
            j => Conditions.Find(j.Status?.Conditions, ConditionTypes.Ready)?.Message?.Contains("has no key \"secretKey\"") == true, "the missing key named");
        Assert.Empty(TrainingJobs("support-bot"));

        Server.Objects.Update<V1Secret>(Ns, "minio-credentials", s => s.Data["secretKey"] = "b"u8.ToArray());
        await WaitForTrainingJob("support-bot", "train");
        await Eventually(() => Get("support-bot"), j => Conditions.IsTrue(j.Status?.Conditions, ConditionTypes.Ready), "Ready to turn true");
    }
}
