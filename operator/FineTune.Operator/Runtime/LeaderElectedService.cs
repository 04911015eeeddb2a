using FineTune.Operator.Configuration;
using FineTune.Operator.Metrics;
using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FineTune.Operator.Runtime;

/// <summary>
/// Runs the <see cref="ControlLoop"/> while this replica holds the Lease (or always, with leader election off). A lost
/// lease stops the loop at once; the replica keeps trying to win the lease back.
/// </summary>
public sealed class LeaderElectedService(
    IKubernetes client,
    IOptions<OperatorOptions> options,
    ControlLoop loop,
    OperatorState state,
    OperatorMetrics metrics,
    ILogger<LeaderElectedService> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.LeaderElection;
        try
        {
            if (!settings.Enabled)
            {
                state.IsLeader = true;
                metrics.SetLeader(true);
                await loop.RunAsync(stoppingToken).ConfigureAwait(false);
                return;
            }
            await ElectAndRunAsync(settings, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception ex)
        {
            state.Faulted = true;
            logger.LogCritical(ex, "The control loop stopped unexpectedly");
            throw;
        }
    }

    private async Task ElectAndRunAsync(LeaderElectionOptions settings, CancellationToken stoppingToken)
    {
        var identity = string.IsNullOrEmpty(settings.Identity) ? $"{Environment.MachineName}-{Environment.ProcessId}" : settings.Identity;
        var leaseNamespace = settings.LeaseNamespace is { Length: > 0 } lns ? lns
            : options.Value.WatchNamespace is { Length: > 0 } wns ? wns : "default";
        var leaseLock = new LeaseLock(client, leaseNamespace, settings.LeaseName, identity);
        // The lock swallows HTTP errors (missing RBAC shows up only here).
        leaseLock.OnHttpError += ex => logger.LogWarning("Lease {Namespace}/{Name}: HTTP {Status}: {Error}",
            leaseNamespace, settings.LeaseName, (int)ex.Response.StatusCode, ex.Message);
        var config = new LeaderElectionConfig(leaseLock)
        {
            LeaseDuration = settings.LeaseDuration,
            RenewDeadline = settings.RenewDeadline,
            RetryPeriod = settings.RetryPeriod,
        };
        using var elector = new LeaderElector(config);
        CancellationTokenSource? term = null;
        Task running = Task.CompletedTask;
        var gate = new Lock();
        elector.OnStartedLeading += () =>
        {
            logger.LogInformation("{Identity} leads (Lease {Namespace}/{Name})", identity, leaseNamespace, settings.LeaseName);
            lock (gate)
            {
                term = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                state.IsLeader = true;
                metrics.SetLeader(true);
                var token = term.Token;
                // Not awaited here: blocking inside OnStartedLeading stalls lease renewal.
                running = Task.Run(() => loop.RunAsync(token), CancellationToken.None);
            }
        };
        elector.OnStoppedLeading += () =>
        {
            logger.LogWarning("{Identity} lost the lease; stopping the control loop", identity);
            lock (gate)
            {
                state.IsLeader = false;
                metrics.SetLeader(false);
                term?.Cancel();
            }
        };
        elector.OnError += ex => logger.LogWarning("Leader election: {Error}", ex.Message);
        try
        {
            await elector.RunAndTryToHoldLeadershipForeverAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            lock (gate)
                term?.Cancel();
            await running.ConfigureAwait(false);
            term?.Dispose();
        }
    }
}
