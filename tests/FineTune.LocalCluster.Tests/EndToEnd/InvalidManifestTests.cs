using System.Net;
using System.Text.Json.Nodes;
using FineTune.Api.Contract;
using FineTune.Api.V1Alpha1;
using FineTune.LocalCluster.Tests.Support;
using k8s;
using k8s.Autorest;

namespace FineTune.LocalCluster.Tests.EndToEnd;

/// <summary>
/// Bad manifests through the real parts: what the schema can see is refused when applied, naming the field and the
/// value; what only the trainer can see (a dataset that is not there) fails the job with a condition that says so.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class InvalidManifestTests(EndToEndCluster e2e)
{
    [Fact]
    public async Task Manifest_breaking_the_schema_is_rejected_when_applied_naming_the_field()
    {
        // Applied as raw JSON, the way kubectl sends it, so no client-side validation stands in front of the API server.
        var manifest = JsonNode.Parse("""
            {"apiVersion": "finetune.dev/v1alpha1", "kind": "FineTuneJob", "metadata": {"name": "bad-rank"},
             "spec": {"method": "lora", "model": {"uri": "model"}, "dataset": {"uri": "data/train.jsonl", "format": "instruction"},
                      "output": {"uri": "runs/bad-rank"}, "lora": {"rank": 0}}}
            """)!;

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => e2e.Cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            manifest, FineTuneJobApi.Group, FineTuneJobApi.Version, EndToEndCluster.Ns, FineTuneJobApi.Plural));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        Assert.Contains("spec.lora.rank", error.Response.Content);
        Assert.Null(e2e.Cluster.GetJob(EndToEndCluster.Ns, "bad-rank"));
    }

    [Fact]
    public async Task Job_whose_dataset_is_missing_fails_with_a_condition_and_the_trainer_naming_the_file()
    {
        const string name = "no-data";
        await e2e.ApplyAsync(TestManifests.Job(e2e.Storage, name, "full", save: "merged", dataset: "data/missing.jsonl"));

        var job = await e2e.WaitForAsync(name, j => j.Status?.Phase is JobPhase.Failed or JobPhase.Succeeded, "finish");

        Assert.Equal(JobPhase.Failed, job.Status!.Phase);
        var succeeded = Assert.Single(job.Status.Conditions ?? [], c => c.Type == "Succeeded");
        Assert.Equal(ConditionStatus.False, succeeded.Status);
        Assert.False(string.IsNullOrEmpty(succeeded.Message), "the Succeeded condition does not say why the job failed");
        var terminated = Assert.Single(e2e.PodsOf(name)).Status.ContainerStatuses.Single().State.Terminated;
        Assert.Equal(TrainerExitCodes.InvalidInput, terminated.ExitCode);
        Assert.Contains("missing.jsonl", terminated.Message); // the end of the trainer's log, as the kubelet reports it
    }
}
