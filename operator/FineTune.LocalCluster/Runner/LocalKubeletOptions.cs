namespace FineTune.LocalCluster.Runner;

/// <summary>Settings of a <see cref="LocalKubelet"/>.</summary>
public sealed record LocalKubeletOptions
{
    /// <summary>Where each pod gets its directory (<c>&lt;namespace&gt;/&lt;pod&gt;/</c>: mounted volumes and the log).</summary>
    public required string PodsDirectory { get; init; }

    /// <summary>
    /// Working directory of every pod process. Relative paths in a manifest (model, dataset, output) resolve against
    /// it, so the local cluster mode runs a manifest the way the trainer alone would from this directory.
    /// </summary>
    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>
    /// Container commands replaced by local ones: <c>trainer</c> → <c>[".../trainer"]</c> or
    /// <c>["dotnet", ".../trainer.dll"]</c>. A command not listed runs as given (absolute path or found on PATH).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Commands { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>
    /// Host environment variables a pod process inherits (a container inherits none; a local process needs PATH, HOME
    /// and the .NET variables to start). Everything else comes from the pod spec.
    /// </summary>
    public IReadOnlyList<string> InheritedVariables { get; init; } =
        ["PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "DOTNET_ROOT", "DOTNET_CLI_HOME", "NUGET_PACKAGES"];

    /// <summary>
    /// Upper bound of the time between SIGTERM and SIGKILL; the pod's terminationGracePeriodSeconds applies when it is
    /// shorter (30 s when it sets none, as in Kubernetes).
    /// </summary>
    public TimeSpan MaxGracePeriod { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// URL of the API server the pods talk to (status.progress patches). When set, each pod gets a kubeconfig for it in
    /// its directory and KUBECONFIG pointing there, the local stand-in for the in-cluster service account.
    /// </summary>
    public string? ApiServerUrl { get; init; }

    /// <summary>
    /// Picks the loopback port of each pod's metrics endpoint (FINETUNE_METRICS_PORT). The default asks the system for
    /// a free one; a test that has Prometheus scrape a fixed set of ports hands them out from that set instead.
    /// </summary>
    public Func<int> MetricsPortAllocator { get; init; } = FreePorts.Next;

    /// <summary>How often a pod that cannot start yet (missing Secret or ConfigMap) is tried again.</summary>
    public TimeSpan ConfigRetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Shared library candidates for a pod's LD_PRELOAD that names tcmalloc; the first that exists is used.</summary>
    public IReadOnlyList<string> TcmallocCandidates { get; init; } =
    [
        "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4",
        "/usr/lib/aarch64-linux-gnu/libtcmalloc_minimal.so.4",
        "/usr/lib64/libtcmalloc_minimal.so.4",
    ];
}
