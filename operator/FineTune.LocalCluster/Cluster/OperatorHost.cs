using FineTune.LocalCluster.Runner;
using FineTune.Operator;
using FineTune.Operator.Configuration;
using FineTune.Operator.Runtime;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace FineTune.LocalCluster.Cluster;

/// <summary>The operator, with the same wiring as its own host, running in this process against the local API server.</summary>
public sealed class OperatorHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly IMetricServer? _metrics;

    private OperatorHost(IHost host, IMetricServer? metrics, int? metricsPort)
    {
        _host = host;
        _metrics = metrics;
        MetricsPort = metricsPort;
    }

    /// <summary>The operator's readiness and leadership.</summary>
    public OperatorState State => _host.Services.GetRequiredService<OperatorState>();

    /// <summary>The loopback port serving the operator's <c>/metrics</c>, or null when it serves none.</summary>
    public int? MetricsPort { get; }

    /// <summary>
    /// Starts the operator on <paramref name="client"/>; with <paramref name="metricsPort"/> (0: any free port) its
    /// metrics are served on 127.0.0.1 at /metrics, as the in-cluster host serves them.
    /// </summary>
    public static async Task<OperatorHost> StartAsync(IKubernetes client, ILoggerFactory loggers, Action<OperatorOptions> configure,
        int? metricsPort = null)
    {
        // Each operator instance gets its own registry: a restarted operator in the same process starts from zero, as a
        // restarted pod would, and two clusters in one test process do not share series.
        var registry = Metrics.NewCustomRegistry();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(loggers);
        builder.Services.AddLogging();
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        builder.Services.AddFineTuneOperator(configure, client, registry);
        var host = builder.Build();
        await host.StartAsync();
        var (server, port) = metricsPort is { } requested ? StartMetricServer(registry, requested) : (null, (int?)null);
        return new OperatorHost(host, server, port);
    }

    private static (IMetricServer, int?) StartMetricServer(CollectorRegistry registry, int requested)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = requested == 0 ? FreePorts.Next() : requested;
            try
            {
                return (new KestrelMetricServer("127.0.0.1", port, "/metrics", registry).Start(), port);
            }
            catch (IOException) when (requested == 0 && attempt < 5)
            {
                // Another process took the free port between the probe and the bind: take another.
            }
        }
    }

    /// <summary>Stops the operator (and its metrics endpoint).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_metrics is not null) await _metrics.StopAsync();
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
    }
}
