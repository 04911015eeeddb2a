using FineTune.Operator.Configuration;
using FineTune.Operator.Runtime;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace FineTune.Operator.Tests.Support;

/// <summary>One operator replica in the test process: the real host wiring on its own client and metrics registry.</summary>
public sealed class OperatorProcess : IAsyncDisposable
{
    private readonly IHost host;

    private readonly CollectorRegistry registry;

    private OperatorProcess(IHost host, CountingHandler counter, CollectorRegistry registry)
    {
        this.host = host;
        Counter = counter;
        this.registry = registry;
    }

    public CountingHandler Counter { get; }

    public OperatorState State => host.Services.GetRequiredService<OperatorState>();

    /// <summary>Reconciles finished so far (every result), read from this replica's metrics.</summary>
    public async Task<double> ReconcilesAsync()
    {
        using var text = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(text);
        return System.Text.Encoding.UTF8.GetString(text.ToArray()).Split('\n')
            .Where(l => l.StartsWith("finetune_operator_reconciles_total{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    public static async Task<OperatorProcess> StartAsync(string serverUrl, Action<OperatorOptions>? configure = null)
    {
        var counter = new CountingHandler();
        var client = new Kubernetes(new KubernetesClientConfiguration { Host = serverUrl }, counter);
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddFineTuneOperator(options =>
        {
            options.TrainerImage = "registry.local/trainer:test";
            options.WatchNamespace = "ml";
            options.RetryBaseDelay = TimeSpan.FromMilliseconds(50);
            options.RetryMaxDelay = TimeSpan.FromSeconds(1);
            options.QueuedRequeue = TimeSpan.FromMilliseconds(200);
            options.LeaderElection.Enabled = false;
            // Short enough for a standby to take over inside a test, long enough that a leader stalled by a loaded
            // machine keeps its lease (a lost lease hands the work to the standby, which the tests would see).
            options.LeaderElection.LeaseDuration = TimeSpan.FromSeconds(6);
            options.LeaderElection.RenewDeadline = TimeSpan.FromSeconds(4);
            options.LeaderElection.RetryPeriod = TimeSpan.FromMilliseconds(200);
            options.LeaderElection.LeaseNamespace = "ml";
            configure?.Invoke(options);
        }, client, registry);
        var host = builder.Build();
        await host.StartAsync();
        return new OperatorProcess(host, counter, registry);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(TimeSpan.FromSeconds(10));
        host.Dispose();
    }
}
