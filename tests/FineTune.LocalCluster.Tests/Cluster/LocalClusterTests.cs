using FineTune.Api.Manifests;
using FineTune.Api.V1Alpha1;
using FineTune.LocalCluster.Cluster;
using k8s;

namespace FineTune.LocalCluster.Tests.Cluster;

/// <summary>
/// The operator and the local kubelet together: FineTuneJobs applied through the API run as trainer processes. The
/// `trainer` command is mapped to a shell script here, so these tests cover the cluster's wiring (arguments, mounted
/// manifest, retries, suspend), not training.
/// </summary>
public sealed class LocalClusterTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _root = Directory.CreateTempSubdirectory("localcluster-cluster-").FullName;
    private LocalCluster.Cluster.LocalCluster _cluster = null!;

    private string Script => Path.Combine(_root, "trainer.sh");

    public Task InitializeAsync() => Task.CompletedTask;

    private async Task StartAsync(string trainerScript)
    {
        await File.WriteAllTextAsync(Script, "#!/bin/sh\n" + trainerScript + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _cluster = await LocalCluster.Cluster.LocalCluster.StartAsync(new LocalClusterOptions
        {
            StateDirectory = Path.Combine(_root, "state"),
            WorkingDirectory = _root,
            Commands = new Dictionary<string, IReadOnlyList<string>> { ["trainer"] = [Script] },
            MaxGracePeriod = TimeSpan.FromSeconds(5),
            ConfigureOperator = o =>
            {
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(50);
                o.QueuedRequeue = TimeSpan.FromMilliseconds(200);
            },
        });
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private static FineTuneJob Manifest(string name, int backoffLimit = 0)
    {
        var loaded = ManifestLoader.LoadText($$"""
            apiVersion: finetune.dev/v1alpha1
            kind: FineTuneJob
            metadata:
              name: {{name}}
            spec:
              method: full
              model:
                uri: model
              dataset:
                uri: data/train.jsonl
                format: instruction
              output:
                uri: runs/{{name}}
              runPolicy:
                backoffLimit: {{backoffLimit}}
              resources:
                gpus: 0
                cpu: "1"
            """, "test.yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        return loaded.Jobs.Single();
    }

    private async Task<FineTuneJob> WaitForPhase(string name, JobPhase phase)
    {
        var deadline = DateTime.UtcNow + Patience;
        FineTuneJob? job = null;
        while (DateTime.UtcNow < deadline)
        {
            job = _cluster.GetJob("default", name);
            if (job?.Status?.Phase == phase) return job;
            await Task.Delay(50);
        }
        throw new TimeoutException($"{name} did not reach {phase} in {Patience}; status: {k8s.KubernetesJson.Serialize(job?.Status)}");
    }

    [Fact]
    public async Task Applied_job_runs_its_stage_as_a_local_trainer_process_with_the_mounted_manifest_and_succeeds()
    {
        await StartAsync("""
            [ "$1" = run ] && [ "$3" = --stage ] || { echo "unexpected arguments: $*"; exit 2; }
            grep -q '"kind": "FineTuneJob"' "$2" || { echo "no manifest at $2"; exit 2; }
            mkdir -p outputs && echo "$4 $FINETUNE_JOB_NAME $FINETUNE_RUN_ID" > outputs/stage.txt
            """);

        await _cluster.ApplyAsync(Manifest("wired"));

        var job = await WaitForPhase("wired", JobPhase.Succeeded);
        var written = (await File.ReadAllTextAsync(Path.Combine(_root, "outputs", "stage.txt"))).Trim();
        Assert.Equal($"train wired {job.Status!.RunId}", written);
    }

    [Fact]
    public async Task Failing_trainer_is_retried_within_backoffLimit_then_the_job_fails()
    {
        await StartAsync("echo attempt >> attempts.txt; echo 'storage unreachable' >&2; exit 1");

        await _cluster.ApplyAsync(Manifest("doomed", backoffLimit: 2));

        await WaitForPhase("doomed", JobPhase.Failed);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(_root, "attempts.txt")).Length);
    }

    [Fact]
    public async Task Suspending_the_job_stops_the_trainer_with_SIGTERM()
    {
        await StartAsync("trap 'echo term > terminated.txt; exit 143' TERM; echo started > started.txt; while true; do sleep 0.1; done");
        await _cluster.ApplyAsync(Manifest("paused"));
        await WaitForPhase("paused", JobPhase.Running);
        var started = Path.Combine(_root, "started.txt");
        var deadline = DateTime.UtcNow + Patience;
        while (!File.Exists(started) && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(File.Exists(started), "the trainer process never started");

        var job = _cluster.GetJob("default", "paused")!;
        job.Spec.RunPolicy.Suspend = true;
        await _cluster.Client.CustomObjects.ReplaceNamespacedCustomObjectAsync(job, FineTuneJobApi.Group, FineTuneJobApi.Version, "default",
            FineTuneJobApi.Plural, "paused");

        await WaitForPhase("paused", JobPhase.Suspended);
        var terminated = Path.Combine(_root, "terminated.txt");
        deadline = DateTime.UtcNow + Patience;
        while (!File.Exists(terminated) && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(File.Exists(terminated), "the trainer process got no SIGTERM");
        Assert.Empty(_cluster.Kubelet.Processes);
    }
}
