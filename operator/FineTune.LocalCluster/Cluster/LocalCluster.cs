using FineTune.Api.V1Alpha1;
using FineTune.LocalApiServer;
using FineTune.LocalApiServer.Workloads;
using FineTune.LocalCluster.Runner;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace FineTune.LocalCluster.Cluster;

/// <summary>
/// A whole cluster in this process, for development and demos: the in-process API server with the project's CRDs,
/// the Job controller (<see cref="JobDriver"/>), the <see cref="LocalKubelet"/> that runs pods as local processes,
/// and the operator. <c>kubectl --kubeconfig &lt;state&gt;/kubeconfig</c> talks to it while it runs.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly LocalClusterOptions _options;
    private OperatorHost? _operator;

    private LocalCluster(LocalClusterOptions options, LocalKubeApiServer server, JobDriver jobs, LocalKubelet kubelet, string kubeconfigPath,
        string workingDirectory)
    {
        _options = options;
        WorkingDirectory = workingDirectory;
        Server = server;
        Jobs = jobs;
        Kubelet = kubelet;
        KubeconfigPath = kubeconfigPath;
        Client = server.CreateClient();
    }

    /// <summary>The API server.</summary>
    public LocalKubeApiServer Server { get; }

    /// <summary>The Job controller.</summary>
    public JobDriver Jobs { get; }

    /// <summary>The kubelet running pods as processes.</summary>
    public LocalKubelet Kubelet { get; }

    /// <summary>A client of the API server.</summary>
    public Kubernetes Client { get; }

    /// <summary>A kubeconfig for the API server (for kubectl).</summary>
    public string KubeconfigPath { get; }

    /// <summary>Working directory of pod processes; relative paths in applied jobs are resolved against it.</summary>
    public string WorkingDirectory { get; }

    /// <summary>The operator, when it runs in this process.</summary>
    public OperatorHost? Operator => _operator;

    /// <summary>Starts the API server, the Job controller, the kubelet and (unless turned off) the operator.</summary>
    public static async Task<LocalCluster> StartAsync(LocalClusterOptions options)
    {
        var state = Path.GetFullPath(options.StateDirectory);
        Directory.CreateDirectory(state);
        var server = await LocalKubeApiServer.StartAsync(new LocalApiServerOptions
        {
            Port = options.ApiPort,
            CrdPaths = options.CrdPaths,
            BookmarkInterval = TimeSpan.FromSeconds(5),
        });
        foreach (var ns in options.Namespaces)
            server.Objects.Create(new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = ns } });
        // Pods the Job controller stops (suspend, a failed Job) stay terminating until their trainer has exited, as
        // with a real kubelet: the operator's finalizer waits for them before deleting outputs.
        var jobs = new JobDriver(server, new JobDriverOptions { GracefulTermination = true });
        var kubelet = new LocalKubelet(server, jobs, new LocalKubeletOptions
        {
            PodsDirectory = Path.Combine(state, "pods"),
            WorkingDirectory = Path.GetFullPath(options.WorkingDirectory),
            Commands = options.Commands,
            MaxGracePeriod = options.MaxGracePeriod,
            ApiServerUrl = server.Url,
            MetricsPortAllocator = options.MetricsPortAllocator,
        }, options.LoggerFactory.CreateLogger<LocalKubelet>());
        var cluster = new LocalCluster(options, server, jobs, kubelet, Kubeconfig.Write(Path.Combine(state, "kubeconfig"), server.Url),
            Path.GetFullPath(options.WorkingDirectory));
        jobs.Start();
        kubelet.Start();
        if (options.RunOperator) await cluster.StartOperatorAsync();
        return cluster;
    }

    /// <summary>
    /// Starts the operator in this process (a no-op when it runs already). With <see cref="StopOperatorAsync"/> this
    /// plays an operator pod that is restarted: the new instance knows only what the API server holds.
    /// </summary>
    public async Task StartOperatorAsync()
    {
        if (_operator is not null) return;
        _operator = await OperatorHost.StartAsync(Server.CreateClient(), _options.LoggerFactory, o =>
        {
            o.TrainerImage = "local/trainer";
            o.WatchNamespace = "";
            o.LeaderElection.Enabled = false;
            // Local processes stop quickly; a short grace keeps suspend and delete snappy.
            o.CheckpointGraceSeconds = 30;
            o.RunningRequeue = TimeSpan.FromSeconds(10);
            _options.ConfigureOperator?.Invoke(o);
        }, _options.OperatorMetricsPort);
    }

    /// <summary>Stops the operator; pods, Jobs and the API server go on (a no-op when it is not running).</summary>
    public async Task StopOperatorAsync()
    {
        if (_operator is null) return;
        var stopping = _operator;
        _operator = null;
        await stopping.DisposeAsync();
    }

    /// <summary>
    /// Creates <paramref name="job"/> through the API (validated against the CRD as kubectl apply would be), its
    /// relative paths made absolute against <see cref="WorkingDirectory"/> (<see cref="LocalPaths"/>).
    /// </summary>
    public async Task ApplyAsync(FineTuneJob job, CancellationToken cancellationToken = default)
    {
        var ns = string.IsNullOrEmpty(job.Metadata.NamespaceProperty) ? "default" : job.Metadata.NamespaceProperty;
        job.Metadata.NamespaceProperty = ns;
        job.ApiVersion = FineTuneJobApi.ApiVersion;
        job.Kind = FineTuneJobApi.Kind;
        job.Status = null;
        LocalPaths.MakeAbsolute(job.Spec, WorkingDirectory);
        if (Server.Objects.Get<V1Namespace>(null, ns) is null)
            Server.Objects.Create(new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = ns } });
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(job, FineTuneJobApi.Group, FineTuneJobApi.Version, ns,
            FineTuneJobApi.Plural, cancellationToken: cancellationToken);
    }

    /// <summary>The FineTuneJob as stored now, or null.</summary>
    public FineTuneJob? GetJob(string ns, string name) =>
        Server.Objects.GetJson(FineTuneJobApi.ApiVersion, FineTuneJobApi.Kind, ns, name) is { } json
            ? KubernetesJson.Deserialize<FineTuneJob>(json.ToJsonString())
            : null;

    /// <summary>Stops everything it started: the operator, every pod process, the Job controller, the API server.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopOperatorAsync();
        await Kubelet.DisposeAsync();
        await Jobs.DisposeAsync();
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
