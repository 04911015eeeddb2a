using FineTune.Api.V1Alpha1;
using FineTune.Operator.Status;
using FineTune.Operator.Tests.Support;
using k8s;
using k8s.Models;

namespace FineTune.Operator.Tests.Integration;

/// <summary>The finalizer deletes outputs through the operator when output.retainOnDelete is false (real s3rver).</summary>
public sealed class OutputDeletionTests(S3rverFixture s3) : ClusterFixture, IClassFixture<S3rverFixture>
{
    private async Task<string> StartJobAsync(string name, string accessKey)
    {
        Server.Objects.Create(new V1Secret
        {
            ApiVersion = "v1", Kind = "Secret", Metadata = new V1ObjectMeta { Name = "s3-keys", NamespaceProperty = Ns },
            Data = new Dictionary<string, byte[]>
            {
                ["accessKey"] = System.Text.Encoding.UTF8.GetBytes(accessKey),
                ["secretKey"] = System.Text.Encoding.UTF8.GetBytes(S3rverProcess.SecretKey),
            },
        });
        await StartOperatorAsync();
        var job = TestJobs.Lora(name);
        job.Spec.Output = new OutputSpec { Uri = $"s3://{S3rverFixture.Bucket}/{name}/", RetainOnDelete = false };
        job.Spec.Storage = new StorageSpec { Endpoint = s3.Endpoint, CredentialsSecret = "s3-keys" };
        await CreateAsync(job);
        await WaitForTrainingJob(name, "train");
        var runId = (await Eventually(() => Get(name), j => j.Status?.RunId is not null, "a run id")).Status!.RunId!;
        await s3.PutAsync($"{name}/{runId}/train/adapter/adapter.safetensors");
        await s3.PutAsync($"{name}/{runId}/train/checkpoints/step-5/state.bin");
        await s3.PutAsync($"{name}/kept-by-someone-else.txt");
        return runId;
    }

    private Task DeleteAsync(string name)
        => Client.CustomObjects.DeleteNamespacedCustomObjectAsync(FineTuneJobApi.Group, FineTuneJobApi.Version, Ns, FineTuneJobApi.Plural, name);

    private Task WaitGone(string name) => Eventually(() => (object?)(Get(name) is null ? "gone" : null), _ => true, $"{name} to be gone");

    [Fact]
    public async Task Deleting_a_job_deletes_its_run_outputs_then_the_finalizer_goes()
    {
        await StartJobAsync("wipe", S3rverProcess.AccessKey);

        await DeleteAsync("wipe");
        await WaitGone("wipe");

        Assert.Equal(["wipe/kept-by-someone-else.txt"], await s3.ListAsync("wipe/"));
        var events = Server.Objects.List<Corev1Event>(Ns);
        Assert.Contains(events, e => e.Reason == "OutputsDeleted" && e.Message.Contains("deleted 2 object(s)"));
        Assert.DoesNotContain(events, e => e.Type == "Warning");
    }

    [Fact]
    public async Task Failed_deletion_keeps_the_job_with_a_condition_until_retain_on_delete_is_set()
    {
        var runId = await StartJobAsync("stuck", "NOT-THE-KEY");

        await DeleteAsync("stuck");
        var stuck = await Eventually(() => Get("stuck"),
            j => Conditions.Find(j.Status?.Conditions, ConditionTypes.OutputsDeleted)?.Reason == ConditionReasons.OutputDeletionFailed,
            "an OutputDeletionFailed condition");
        var message = Conditions.Find(stuck.Status!.Conditions, ConditionTypes.OutputsDeleted)!.Message!;
        Assert.Contains($"s3://{S3rverFixture.Bucket}/stuck/{runId}/", message);
        Assert.Contains("retainOnDelete", message);
        await Eventually(() => Server.Objects.List<Corev1Event>(Ns),
            e => e.Any(x => x.Reason == ConditionReasons.OutputDeletionFailed && x.Type == "Warning"), "an OutputDeletionFailed warning");
        // Retried with backoff, not in a hot loop: a few attempts per second at most.
        var before = Server.Requests.Count("get", "secrets");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.InRange(Server.Requests.Count("get", "secrets") - before, 1, 8);
        Assert.NotNull(Get("stuck"));

        await EditAsync("stuck", spec => spec.Output.RetainOnDelete = true);
        await WaitGone("stuck");
        Assert.Equal(2, (await s3.ListAsync($"stuck/{runId}/")).Count);
    }
}
