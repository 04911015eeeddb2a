using Microsoft.Extensions.Hosting;

namespace FineTune.LocalCluster.Cluster;

/// <summary>
/// The lifetime of the operator's host inside the local cluster: it does not listen to Ctrl+C or SIGTERM itself (the
/// default console lifetime would swallow them), so the command that owns the cluster stops everything in order.
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
