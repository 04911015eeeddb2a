using FineTune.Api.V1Alpha1;
using FineTune.Operator.Finalizers;
using FineTune.Operator.Tests.Support;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace FineTune.Operator.Tests.Finalizers;

/// <summary>The output cleaner against a real S3 server (s3rver) and real directories, with the Secret read through the API server.</summary>
public sealed class StorageOutputCleanerTests(S3rverFixture s3) : ClusterFixture, IClassFixture<S3rverFixture>
{
    private const string Current = "20261128t100000-g3";
    private const string Earlier = "20261127t090000-g1";
    private const string Unlisted = "20261126t080000-g0";

    private StorageOutputCleaner Cleaner() => new(new StorageCredentialsReader(Client), NullLogger<StorageOutputCleaner>.Instance);

    private FineTuneJob JobWithRuns(string outputUri, string secret = "s3-keys")
    {
        var job = TestJobs.Lora();
        job.Spec.Output.Uri = outputUri;
        job.Spec.Output.RetainOnDelete = false;
        job.Spec.Storage = new StorageSpec { Endpoint = s3.Endpoint, CredentialsSecret = secret };
        job.Status = new FineTuneJobStatus
        {
            RunId = Current,
            History = [new RunRecord { RunId = Earlier, Generation = 1, Phase = JobPhase.Succeeded }],
        };
        return job;
    }

    private void CreateSecret(string access, string secret)
        => Server.Objects.Create(new V1Secret
        {
            ApiVersion = "v1", Kind = "Secret",
            Metadata = new V1ObjectMeta { Name = "s3-keys", NamespaceProperty = Ns },
            Data = new Dictionary<string, byte[]>
            {
                ["accessKey"] = System.Text.Encoding.UTF8.GetBytes(access),
                ["secretKey"] = System.Text.Encoding.UTF8.GetBytes(secret),
            },
        });

    [Fact]
    public async Task S3_outputs_of_the_current_and_earlier_runs_are_deleted_and_nothing_else()
    {
        CreateSecret(S3rverProcess.AccessKey, S3rverProcess.SecretKey);
        foreach (var key in new[]
                 {
                     $"bot/{Current}/train/adapter/adapter.safetensors", $"bot/{Current}/train/checkpoints/step-10/state.bin",
                     $"bot/{Earlier}/train/merged/model.safetensors", $"bot/{Unlisted}/train/metrics.json",
                     $"bot-other/{Current}/train/metrics.json", "bot/notes.txt",
                 })
            await s3.PutAsync(key);

        var result = await Cleaner().DeleteOutputsAsync(JobWithRuns($"s3://{S3rverFixture.Bucket}/bot/"), CancellationToken.None);

        Assert.Equal(3, result.ObjectCount);
        Assert.Equal([$"s3://{S3rverFixture.Bucket}/bot/{Current}/", $"s3://{S3rverFixture.Bucket}/bot/{Earlier}/"], result.Deleted);
        Assert.Equal(["bot-other/" + Current + "/train/metrics.json", "bot/" + Unlisted + "/train/metrics.json", "bot/notes.txt"],
            (await s3.ListAsync("bot")).ToList());
    }

    [Fact]
    public async Task Wrong_keys_fail_with_the_prefix_and_endpoint_but_never_the_secret()
    {
        CreateSecret("WRONGKEY", "very-secret-value");
        await s3.PutAsync($"keys/{Current}/train/metrics.json");

        var error = await Assert.ThrowsAsync<OutputCleanupException>(
            () => Cleaner().DeleteOutputsAsync(JobWithRuns($"s3://{S3rverFixture.Bucket}/keys/"), CancellationToken.None));

        Assert.Contains($"s3://{S3rverFixture.Bucket}/keys/{Current}/", error.Message);
        Assert.Contains(s3.Endpoint, error.Message);
        Assert.DoesNotContain("very-secret-value", error.ToString());
        Assert.Equal([$"keys/{Current}/train/metrics.json"], await s3.ListAsync("keys/"));
    }

    [Fact]
    public async Task Missing_secret_or_key_is_named()
    {
        var missing = await Assert.ThrowsAsync<OutputCleanupException>(
            () => Cleaner().DeleteOutputsAsync(JobWithRuns($"s3://{S3rverFixture.Bucket}/x/", secret: "absent"), CancellationToken.None));
        Assert.Contains("Secret ml/absent not found", missing.Message);

        Server.Objects.Create(new V1Secret
        {
            ApiVersion = "v1", Kind = "Secret", Metadata = new V1ObjectMeta { Name = "s3-keys", NamespaceProperty = Ns },
            Data = new Dictionary<string, byte[]> { ["accessKey"] = "a"u8.ToArray() },
        });
        var noKey = await Assert.ThrowsAsync<OutputCleanupException>(
            () => Cleaner().DeleteOutputsAsync(JobWithRuns($"s3://{S3rverFixture.Bucket}/x/"), CancellationToken.None));
        Assert.Contains("Secret ml/s3-keys has no key \"secretKey\" (keys: accessKey)", noKey.Message);
    }

    [Fact]
    public async Task Local_run_directories_are_deleted_and_siblings_stay()
    {
        var root = Directory.CreateTempSubdirectory("ft-out-").FullName;
        try
        {
            foreach (var run in new[] { Current, Earlier, Unlisted })
            {
                Directory.CreateDirectory(Path.Combine(root, run, "train", "adapter"));
                await File.WriteAllTextAsync(Path.Combine(root, run, "train", "adapter", "w.bin"), run);
            }

            var result = await Cleaner().DeleteOutputsAsync(JobWithRuns(new Uri(root + "/").AbsoluteUri), CancellationToken.None);

            Assert.Equal(2, result.ObjectCount);
            Assert.Empty(result.Unreachable);
            Assert.Equal([Unlisted], Directory.GetDirectories(root).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Paths_the_operator_cannot_see_are_reported_unreachable()
    {
        var result = await Cleaner().DeleteOutputsAsync(JobWithRuns("/nonexistent-volume/finetune/bot/"), CancellationToken.None);

        Assert.Equal(0, result.ObjectCount);
        Assert.Empty(result.Deleted);
        Assert.Equal([$"/nonexistent-volume/finetune/bot/{Current}/", $"/nonexistent-volume/finetune/bot/{Earlier}/"], result.Unreachable);
    }

    [Fact]
    public async Task A_run_id_that_is_not_the_operators_own_deletes_nothing()
    {
        var root = Directory.CreateTempSubdirectory("ft-out-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(root, "keep.txt"), "x");
            var job = JobWithRuns(new Uri(Path.Combine(root, "bot") + "/").AbsoluteUri);
            job.Status!.History![0].RunId = "..";

            var error = await Assert.ThrowsAsync<OutputCleanupException>(() => Cleaner().DeleteOutputsAsync(job, CancellationToken.None));

            Assert.Contains("status run id \"..\"", error.Message);
            Assert.True(File.Exists(Path.Combine(root, "keep.txt")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
