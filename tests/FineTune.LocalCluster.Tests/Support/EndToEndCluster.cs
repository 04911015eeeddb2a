using System.Globalization;
using FineTune.Api.Manifests;
using FineTune.Api.V1Alpha1;
using FineTune.LocalCluster.Cluster;
using FineTune.LocalCluster.Runner;
using k8s;
using k8s.Models;

namespace FineTune.LocalCluster.Tests.Support;

/// <summary>
/// Every real part at once, shared by the end-to-end tests: a tiny `trainer init` model and a slice of the bundled
/// reverse-words data in a temporary working directory, the local cluster (API server, Job controller, kubelet running
/// the built trainer as processes, the operator with its /metrics served), and a real Prometheus scraping every trainer
/// metrics port the kubelet hands out and the operator.
/// </summary>
public sealed class EndToEndCluster : IAsyncLifetime
{
    /// <summary>How long one training job may take on a busy 2-core machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    /// <summary>The namespace the tests' jobs live in.</summary>
    public const string Ns = "default";

    private LocalCluster.Cluster.LocalCluster? _cluster;
    private PrometheusServer? _prometheus;
    private S3rverProcess? _s3;

    /// <summary>The cluster's working directory: model/, data/ and every job's runs/ are in it.</summary>
    public string WorkDirectory { get; } = Directory.CreateTempSubdirectory("localcluster-e2e-").FullName;

    /// <summary>The local cluster.</summary>
    public LocalCluster.Cluster.LocalCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    /// <summary>Prometheus, scraping the trainers and the operator.</summary>
    public PrometheusServer Prometheus => _prometheus ?? throw new InvalidOperationException("not started");

    /// <summary>Where the jobs read the model and data and write their outputs: s3rver buckets.</summary>
    public JobStorage Storage { get; private set; } = JobStorage.Local;

    /// <summary>The S3 server behind <see cref="Storage"/>.</summary>
    public S3rverProcess S3 => _s3 ?? throw new InvalidOperationException("not started");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await TrainerCommand.RunAsync(WorkDirectory, "init", "--architecture", "gpt2", "--size", "tiny", "--tokenizer", "byte-level",
            "--max-positions", "256", "--output", "model");
        Directory.CreateDirectory(Path.Combine(WorkDirectory, "data"));
        File.WriteAllLines(Path.Combine(WorkDirectory, "data", "train.jsonl"),
            File.ReadLines(Path.Combine(RepositoryPaths.ReverseWords, "train.jsonl")).Take(64));
        File.WriteAllLines(Path.Combine(WorkDirectory, "data", "val.jsonl"),
            File.ReadLines(Path.Combine(RepositoryPaths.ReverseWords, "validation.jsonl")).Take(16));
        // Preference pairs and prompts for the rlhf pipeline's reward and ppo stages.
        File.WriteAllLines(Path.Combine(WorkDirectory, "data", "prefs.jsonl"),
            File.ReadLines(Path.Combine(RepositoryPaths.ReverseWords, "preferences.jsonl")).Take(32));
        File.WriteAllLines(Path.Combine(WorkDirectory, "data", "prefs-val.jsonl"),
            File.ReadLines(Path.Combine(RepositoryPaths.ReverseWords, "preferences-validation.jsonl")).Take(8));
        File.WriteAllLines(Path.Combine(WorkDirectory, "data", "prompts.jsonl"),
            File.ReadLines(Path.Combine(RepositoryPaths.ReverseWords, "prompts.jsonl")).Take(16));

        _s3 = await S3rverProcess.StartAsync("models", "datasets", "runs");
        var endpoint = _s3.Endpoint.GetLeftPart(UriPartial.Authority);
        await S3Seeder.UploadDirectoryAsync(endpoint, Path.Combine(WorkDirectory, "model"), "models", "tiny");
        await S3Seeder.UploadDirectoryAsync(endpoint, Path.Combine(WorkDirectory, "data"), "datasets", "reverse-words");
        Storage = JobStorage.S3(endpoint);

        var ports = MetricsPortPool.Reserve(17);
        var operatorPort = ports[0];
        var trainerPorts = new MetricsPortPool(ports[1..]);
        _prometheus = await PrometheusServer.StartAsync(new Dictionary<string, IReadOnlyList<string>>
        {
            ["trainers"] = trainerPorts.Ports.Select(Target).ToList(),
            ["operator"] = [Target(operatorPort)],
        });
        _cluster = await LocalCluster.Cluster.LocalCluster.StartAsync(new LocalClusterOptions
        {
            StateDirectory = Path.Combine(WorkDirectory, "cluster"),
            WorkingDirectory = WorkDirectory,
            Commands = new Dictionary<string, IReadOnlyList<string>> { ["trainer"] = [RepositoryPaths.Trainer] },
            MetricsPortAllocator = trainerPorts.Next,
            OperatorMetricsPort = operatorPort,
            MaxGracePeriod = TimeSpan.FromSeconds(40),
            ConfigureOperator = o =>
            {
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
                o.QueuedRequeue = TimeSpan.FromMilliseconds(200);
                o.RunningRequeue = TimeSpan.FromSeconds(2);
            },
        });
        _cluster.Server.Objects.Create(new V1Secret
        {
            ApiVersion = "v1", Kind = "Secret",
            Metadata = new V1ObjectMeta { Name = JobStorage.CredentialsSecret, NamespaceProperty = Ns },
            Data = new Dictionary<string, byte[]>
            {
                ["accessKey"] = System.Text.Encoding.UTF8.GetBytes(S3rverProcess.AccessKey),
                ["secretKey"] = System.Text.Encoding.UTF8.GetBytes(S3rverProcess.SecretKey),
            },
        });
    }

    private static string Target(int port) => "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        if (_prometheus is not null) await _prometheus.DisposeAsync();
        if (_s3 is not null) await _s3.DisposeAsync();
        Directory.Delete(WorkDirectory, recursive: true);
    }

    /// <summary>Loads <paramref name="yaml"/> (one FineTuneJob, valid) and creates it through the API server.</summary>
    public async Task ApplyAsync(string yaml)
    {
        var loaded = ManifestLoader.LoadText(yaml, "test.yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        await Cluster.ApplyAsync(loaded.Jobs.Single());
    }

    /// <summary>The job as stored now (it must exist).</summary>
    public FineTuneJob Job(string name) => Cluster.GetJob(Ns, name) ?? throw new InvalidOperationException($"no FineTuneJob {name}");

    /// <summary>Waits until the job satisfies <paramref name="condition"/>; fails with its status and pod logs after <see cref="Patience"/>.</summary>
    public async Task<FineTuneJob> WaitForAsync(string name, Func<FineTuneJob, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (Cluster.GetJob(Ns, name) is { } job && condition(job)) return job;
            await Task.Delay(100);
        }
        throw new TimeoutException($"{name}: no {what} within {Patience}.\n{Describe(name)}");
    }

    /// <summary>Waits until the job has Succeeded; fails at once (with the story) when it Failed.</summary>
    public async Task<FineTuneJob> WaitForSuccessAsync(string name)
    {
        var job = await WaitForAsync(name, j => j.Status?.Phase is JobPhase.Succeeded or JobPhase.Failed, "finish");
        Assert.True(job.Status!.Phase == JobPhase.Succeeded, $"{name} failed.\n{Describe(name)}");
        return job;
    }

    /// <summary>The job's pods that still exist, oldest first.</summary>
    public IReadOnlyList<V1Pod> PodsOf(string jobName) =>
        Cluster.Server.Objects.List<V1Pod>(Ns, $"finetune.dev/job={jobName}").OrderBy(p => p.Metadata.CreationTimestamp).ToList();

    /// <summary>The batch/v1 Jobs the operator created for the FineTuneJob.</summary>
    public IReadOnlyList<V1Job> TrainingJobsOf(string jobName) =>
        Cluster.Server.Objects.List<V1Job>(Ns, $"finetune.dev/job={jobName}").ToList();

    /// <summary>A pod's log (the trainer's JSON lines and messages).</summary>
    public string LogOf(string podName) =>
        PodLog.Tail(Path.Combine(Cluster.Kubelet.PodDirectory(Ns, podName), "trainer.log"), 10_000, 16 << 20);

    /// <summary>
    /// The files under a status URI (an s3:// prefix on the tests' s3rver, or a <c>file://</c> URI or path relative to
    /// the working directory), as paths relative to it.
    /// </summary>
    public IReadOnlyList<string> FilesUnder(string uri)
    {
        if (uri.StartsWith("s3://", StringComparison.Ordinal))
        {
            var bucketAndKey = uri["s3://".Length..];
            var slash = bucketAndKey.IndexOf('/');
            var prefix = bucketAndKey[(slash + 1)..].TrimEnd('/') + "/";
            return S3.Keys(bucketAndKey[..slash], prefix).Select(k => k[prefix.Length..]).ToList();
        }
        var directory = Path.GetFullPath(uri.StartsWith("file://", StringComparison.Ordinal) ? uri["file://".Length..] : uri, WorkDirectory);
        return Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(directory, f)).ToList()
            : [];
    }

    /// <summary>The job's status and the end of each of its pods' logs, for failure messages.</summary>
    public string Describe(string name)
    {
        var text = $"status: {KubernetesJson.Serialize(Cluster.GetJob(Ns, name)?.Status)}";
        var pods = Directory.Exists(Path.Combine(WorkDirectory, "cluster", "pods", Ns))
            ? Directory.GetDirectories(Path.Combine(WorkDirectory, "cluster", "pods", Ns), name + "-*")
            : [];
        foreach (var pod in pods)
            text += $"\n--- pod {Path.GetFileName(pod)} log (end):\n{PodLog.Tail(Path.Combine(pod, "trainer.log"), 40, 4096)}";
        return text;
    }
}
