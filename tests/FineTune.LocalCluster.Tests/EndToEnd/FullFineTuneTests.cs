using System.Diagnostics;
using FineTune.Api.Manifests;
using FineTune.Api.V1Alpha1;
using FineTune.LocalCluster.Cluster;
using FineTune.LocalCluster.Tests.Support;

namespace FineTune.LocalCluster.Tests.EndToEnd;

/// <summary>
/// The real parts end to end: a FineTuneJob applied to the local cluster is reconciled by the real operator into a
/// training Job whose pod runs the real trainer process, which trains a tiny `trainer init` model on bundled records
/// (local paths, no S3) and writes its outputs.
/// </summary>
public sealed class FullFineTuneTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);
    private readonly string _work = Directory.CreateTempSubdirectory("localcluster-e2e-").FullName;
    private LocalCluster.Cluster.LocalCluster? _cluster;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task Full_fine_tuning_of_a_tiny_model_succeeds_through_the_operator_and_a_trainer_process_with_outputs_on_disk()
    {
        await RunTrainerAsync("init", "--architecture", "gpt2", "--size", "tiny", "--tokenizer", "byte-level",
            "--max-positions", "256", "--output", Path.Combine(_work, "model"));
        Directory.CreateDirectory(Path.Combine(_work, "data"));
        File.WriteAllLines(Path.Combine(_work, "data", "train.jsonl"), File.ReadLines(Path.Combine(RepositoryPaths.ReverseWords, "train.jsonl")).Take(48));
        File.WriteAllLines(Path.Combine(_work, "data", "val.jsonl"), File.ReadLines(Path.Combine(RepositoryPaths.ReverseWords, "validation.jsonl")).Take(16));
        var loaded = ManifestLoader.LoadText("""
            apiVersion: finetune.dev/v1alpha1
            kind: FineTuneJob
            metadata:
              name: tiny-full
            spec:
              method: full
              model:
                uri: model
              dataset:
                uri: data/train.jsonl
                validationUri: data/val.jsonl
                format: instruction
              output:
                uri: runs/tiny-full
              hyperparameters:
                learningRate: 1.0e-3
                epochs: 1
                batchSize: 8
                sequenceLength: 192
              runPolicy:
                backoffLimit: 0
              resources:
                gpus: 0
                cpu: "2"
            """, "tiny-full.yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        _cluster = await LocalCluster.Cluster.LocalCluster.StartAsync(new LocalClusterOptions
        {
            StateDirectory = Path.Combine(_work, "cluster"),
            WorkingDirectory = _work,
            Commands = new Dictionary<string, IReadOnlyList<string>> { ["trainer"] = [RepositoryPaths.Trainer] },
        });

        await _cluster.ApplyAsync(loaded.Jobs.Single());

        var job = await WaitForFinishAsync("tiny-full");
        var pod = _cluster.Server.Objects.List<k8s.Models.V1Pod>("default", "finetune.dev/job=tiny-full").Single();
        var log = LocalCluster.Runner.PodLog.Tail(Path.Combine(_cluster.Kubelet.PodDirectory("default", pod.Metadata.Name), "trainer.log"), 200, 1 << 20);
        Assert.True(job.Status?.Phase == JobPhase.Succeeded, $"phase {job.Status?.Phase}; trainer log:\n{log}");
        Assert.Equal(0, pod.Status.ContainerStatuses.Single().State.Terminated.ExitCode);
        // The trainer writes where the operator says the outputs are: status.outputs.merged.
        var merged = job.Status!.Outputs?.Merged;
        Assert.False(string.IsNullOrEmpty(merged), "status.outputs.merged is empty");
        var mergedDirectory = Path.GetFullPath(merged!.StartsWith("file://", StringComparison.Ordinal) ? merged["file://".Length..] : merged, _work);
        Assert.True(File.Exists(Path.Combine(mergedDirectory, "config.json")), $"no config.json in status.outputs.merged {mergedDirectory}");
        Assert.True(Directory.EnumerateFiles(mergedDirectory, "*.safetensors").Any(), $"no weights in {mergedDirectory}");
        Assert.Contains("\"event\":\"step\"", log); // the trainer's progress lines reached the pod log
        // The trainer published its progress to the job's status through the pod's kubeconfig, the last step included.
        var progress = job.Status.Progress;
        Assert.True(progress is { TotalSteps: > 0 } && progress.Step == progress.TotalSteps && progress.Percent == 100,
            $"status.progress: {k8s.KubernetesJson.Serialize(progress)}; trainer log:\n{log}");
    }

    private async Task<FineTuneJob> WaitForFinishAsync(string name)
    {
        var deadline = DateTime.UtcNow + Patience;
        FineTuneJob? job = null;
        while (DateTime.UtcNow < deadline)
        {
            job = _cluster!.GetJob("default", name);
            if (job?.Status?.Phase is JobPhase.Succeeded or JobPhase.Failed) return job;
            await Task.Delay(200);
        }
        throw new TimeoutException($"{name} did not finish within {Patience}; status: {k8s.KubernetesJson.Serialize(job?.Status)}");
    }

    private async Task RunTrainerAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo(RepositoryPaths.Trainer) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _work };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, $"trainer {string.Join(' ', arguments)} exited {process.ExitCode}: {await output}{await errors}");
    }
}
