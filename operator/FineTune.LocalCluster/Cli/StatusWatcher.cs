using FineTune.Api.V1Alpha1;
using FineTune.LocalApiServer.Resources;
using FineTune.LocalApiServer.Selectors;

namespace FineTune.LocalCluster.Cli;

/// <summary>
/// Follows FineTuneJobs on the local API server's watch and prints a status row whenever one changes (phase, stage,
/// step, loss, ETA), until every job has Succeeded or Failed.
/// </summary>
public static class StatusWatcher
{
    /// <summary>Prints rows until the jobs are done or <paramref name="cancellationToken"/> fires; returns the jobs that finished.</summary>
    public static async Task<IReadOnlyList<FineTuneJob>> WatchAsync(Cluster.LocalCluster cluster, IReadOnlyList<(string Ns, string Name)> jobs,
        TextWriter output, CancellationToken cancellationToken)
    {
        var type = cluster.Server.Resources.FindByKind(FineTuneJobApi.ApiVersion, FineTuneJobApi.Kind)!;
        using var watch = cluster.Server.Store.Watch(type, null, LabelSelector.Everything, FieldSelector.Everything, null);
        var lastKey = new Dictionary<(string, string), string>();
        var finished = new Dictionary<(string, string), FineTuneJob>();
        output.WriteLine(JobStatusLine.Header);
        try
        {
            while (finished.Count < jobs.Count && await watch.Events.WaitToReadAsync(cancellationToken))
            {
                while (watch.Events.TryRead(out _)) { }
                foreach (var id in jobs)
                {
                    if (finished.ContainsKey(id) || cluster.GetJob(id.Ns, id.Name) is not { } job) continue;
                    var key = JobStatusLine.Key(job);
                    if (!lastKey.TryGetValue(id, out var previous) || previous != key)
                    {
                        lastKey[id] = key;
                        output.WriteLine(JobStatusLine.Format(job, DateTime.UtcNow));
                    }
                    if (job.Status?.Phase is JobPhase.Succeeded or JobPhase.Failed) finished[id] = job;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Timed out or interrupted: report what finished.
        }
        return finished.Values.ToList();
    }
}
