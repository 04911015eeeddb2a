using FineTune.LocalCluster.Runner;
using FineTune.Operator.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FineTune.LocalCluster.Cluster;

/// <summary>Settings of a <see cref="LocalCluster"/>.</summary>
public sealed record LocalClusterOptions
{
    /// <summary>Where the cluster keeps its files: <c>pods/</c> (one directory per pod) and <c>kubeconfig</c>.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>Working directory of pod processes: relative paths in manifests resolve against it.</summary>
    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>CRD files or folders served from the start (default: the CRDs copied next to the program).</summary>
    public IReadOnlyList<string> CrdPaths { get; init; } = [Path.Combine(AppContext.BaseDirectory, "Crds")];

    /// <summary>Container commands mapped to local programs (<c>trainer</c> → the locally built trainer).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Commands { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Namespaces created at start.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = ["default"];

    /// <summary>Loopback port of the API server; 0 picks a free one.</summary>
    public int ApiPort { get; init; }

    /// <summary>Run the operator in the same process (on by default).</summary>
    public bool RunOperator { get; init; } = true;

    /// <summary>Changes to the operator's settings (after the local defaults).</summary>
    public Action<OperatorOptions>? ConfigureOperator { get; init; }

    /// <summary>Picks each pod's metrics port (default: any free loopback port).</summary>
    public Func<int> MetricsPortAllocator { get; init; } = FreePorts.Next;

    /// <summary>
    /// Serve the operator's metrics at <c>http://127.0.0.1:PORT/metrics</c>, as its in-cluster host does: null serves
    /// none, 0 picks a free port (<see cref="OperatorHost.MetricsPort"/> tells which).
    /// </summary>
    public int? OperatorMetricsPort { get; init; }

    /// <summary>Upper bound of a pod's time between SIGTERM and SIGKILL.</summary>
    public TimeSpan MaxGracePeriod { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Where the cluster's parts log.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}
