using FineTune.Api.V1Alpha1;
using FineTune.LocalApiServer.Workloads;
using FineTune.Operator.Finalizers;
using FineTune.Operator.Tests.Support;
using k8s;
using k8s.Models;

namespace FineTune.Operator.Tests.Integration;

/// <summary>
/// Deleting a FineTuneJob whose trainer is still stopping: the operator against the in-process API server, the Job
/// driver stopping pods gracefully as the kubelet does, and the outputs in a real S3 server (s3rver).
/// </summary>
public sealed class DeletionWaitsForTrainerPodsTests(S3rverFixture s3) : ClusterFixture, IClassFixture<S3rverFixture>
{
    private JobDriver driver = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        driver = new JobDriver(Server, new JobDriverOptions { StartPods = true, GracefulTermination = true });
        driver.Start();
        Server.Objects.Create(new V1Secret
        {
            ApiVersion = "v1", Kind = "Secret", Metadata = new V1ObjectMeta { Name = "s3-keys", NamespaceProperty = Ns },
            Data = new Dictionary<string, byte[]>
            {
                ["accessKey"] = System.Text.Encoding.UTF8.GetBytes(S3rverProcess.AccessKey),
                ["secretKey"] = System.Text.Encoding.UTF8.GetBytes(S3rverProcess.SecretKey),
            },
        });
    }

    public override async Task DisposeAsync()
    {
        await driver.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>
    /// A running job with a checkpoint in S3, suspended so that its trainer got SIGTERM and is now uploading within its
    /// grace period (the pod is terminating); returns the run id and the terminating pod.
    /// </summary>
    private async Task<(string RunId, V1Pod Pod)> TrainerStoppingAsync(string name, bool retainOnDelete)
    {
        await StartOperatorAsync();
        var job = TestJobs.Lora(name);
        job.Spec.Output = new OutputSpec { Uri = $"s3://{S3rverFixture.Bucket}/{name}/", RetainOnDelete = retainOnDelete };
        job.Spec.Storage = new StorageSpec { Endpoint = s3.Endpoint, CredentialsSecret = "s3-keys" };
        await CreateAsync(job);
        var k8sJob = await WaitForTrainingJob(name, "train");
        var pod = await Eventually(() => driver.ActivePodOf(Ns, k8sJob.Metadata.Name), p => p.Status?.Phase == "Running", "the trainer pod to run");
        var runId = (await Eventually(() => Get(name), j => j.Status?.RunId is not null, "a run id")).Status!.RunId!;
        await s3.PutAsync($"{name}/{runId}/train/checkpoints/step-5/state.bin");
        await s3.PutAsync($"{name}/kept-by-someone-else.txt");

        await EditAsync(name, spec => spec.RunPolicy.Suspend = true);
        var terminating = await Eventually(() => Server.Objects.Get<V1Pod>(Ns, pod.Metadata.Name),
            p => p.Metadata.DeletionTimestamp is not null, "the trainer pod to get its SIGTERM");
        return (runId, terminating);
    }

    private Task DeleteAsync(string name)
        => Client.CustomObjects.DeleteNamespacedCustomObjectAsync(FineTuneJobApi.Group, FineTuneJobApi.Version, Ns, FineTuneJobApi.Plural, name);

    private Task WaitGone(string name) => Eventually(() => (object?)(Get(name) is null ? "gone" : null), _ => true, $"{name} to be gone");

    private IReadOnlyList<Corev1Event> EventsOf(string reason) => Server.Objects.List<Corev1Event>(Ns).Where(e => e.Reason == reason).ToList();

    [Fact]
    public async Task A_terminating_trainer_holds_back_output_deletion_until_it_is_gone()
    {
        var (runId, pod) = await TrainerStoppingAsync("wipe", retainOnDelete: false);

        await DeleteAsync("wipe");
        var waiting = await Eventually(() => EventsOf(CleanupFinalizer.WaitingForTrainerPods).SingleOrDefault(), _ => true, "the waiting event");
        Assert.Equal("Normal", waiting.Type);
        Assert.Equal($"waiting for 1 trainer pod(s) to stop before deleting outputs: {pod.Metadata.Name} (Running, terminating)", waiting.Message);
        Assert.Empty(TrainingJobs("wipe"));
        Assert.NotNull(Get("wipe")!.Metadata.DeletionTimestamp);
        var secretReads = Server.Requests.Count("get", "secrets");
        var podLists = Server.Requests.Count("list", "pods");

        // The trainer's last upload lands while the deletion waits; then it exits (143: checkpointed on SIGTERM).
        await s3.PutAsync($"wipe/{runId}/train/checkpoints/step-7/state.bin");
        // With no pod change meanwhile, the operator looks again by itself (each pass lists the pods), and still waits.
        await Eventually(() => (object?)Server.Requests.Count("list", "pods"), n => (int)n > podLists, "a pass on the recheck timer");
        Assert.Equal(3, (await s3.ListAsync("wipe/")).Count);
        Assert.NotNull(Get("wipe"));
        Assert.Equal(secretReads, Server.Requests.Count("get", "secrets"));
        driver.MarkPodFailed(Ns, pod.Metadata.Name, 143);

        await WaitGone("wipe");
        Assert.Equal(["wipe/kept-by-someone-else.txt"], await s3.ListAsync("wipe/"));
        Assert.Contains(EventsOf("OutputsDeleted"), e => e.Message.Contains("deleted 2 object(s)"));
        Assert.Single(EventsOf(CleanupFinalizer.WaitingForTrainerPods));
        Assert.DoesNotContain(Server.Objects.List<Corev1Event>(Ns), e => e.Type == "Warning");
    }

    [Fact]
    public async Task Retained_outputs_let_the_job_go_while_its_trainer_still_stops()
    {
        var (runId, pod) = await TrainerStoppingAsync("keep", retainOnDelete: true);

        await DeleteAsync("keep");
        await WaitGone("keep");

        Assert.NotNull(Server.Objects.Get<V1Pod>(Ns, pod.Metadata.Name)?.Metadata.DeletionTimestamp);
        Assert.Equal([$"keep/{runId}/train/checkpoints/step-5/state.bin", "keep/kept-by-someone-else.txt"], await s3.ListAsync("keep/"));
        Assert.Single(EventsOf("OutputsRetained"));
        Assert.Empty(EventsOf(CleanupFinalizer.WaitingForTrainerPods));
        driver.MarkPodFailed(Ns, pod.Metadata.Name, 143);
    }
}
