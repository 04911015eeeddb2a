using FineTune.Operator;
using FineTune.Operator.Configuration;
using FineTune.Operator.Runtime;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FineTune.LocalCluster.Cluster;

/// <summary>The operator, with the same wiring as its own host, running in this process against the local API server.</summary>
public sealed class OperatorHost : IAsyncDisposable
{
    private readonly IHost _host;

    private OperatorHost(IHost host) => _host = host;

    /// <summary>The operator's readiness and leadership.</summary>
    public OperatorState State => _host.Services.GetRequiredService<OperatorState>();

    /// <summary>Starts the operator on <paramref name="client"/>.</summary>
    public static async Task<OperatorHost> StartAsync(IKubernetes client, ILoggerFactory loggers, Action<OperatorOptions> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(loggers);
        builder.Services.AddLogging();
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        builder.Services.AddFineTuneOperator(configure, client, Prometheus.Metrics.NewCustomRegistry());
        var host = builder.Build();
        await host.StartAsync();
        return new OperatorHost(host);
    }

    /// <summary>Stops the operator.</summary>
    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
    }
}
