using FineTune.Api.V1Alpha1;
using FineTune.Operator.Tests.Support;
using k8s.Models;

namespace FineTune.Operator.Tests.Integration;

/// <summary>Reconciles read the FineTuneJob, its Jobs and pods from the informer caches; only writes reach the API server.</summary>
public sealed class CacheReadTests : ClusterFixture
{
    [Fact]
    public async Task Reconciles_of_a_settled_job_issue_no_get_or_list_requests()
    {
        var op = await StartOperatorAsync();
        await CreateAsync(TestJobs.Lora());
        var job = await WaitForTrainingJob("support-bot", "train");
        MarkRunning(job);
        await WaitForPhase("support-bot", JobPhase.Running);
        // One reconcile more lets the operator's caches catch up with its own Running write.
        await TouchAndWaitForReconcileAsync(op, job, "settle");

        var settled = Server.Requests.Snapshot();
        await TouchAndWaitForReconcileAsync(op, job, "a");
        await TouchAndWaitForReconcileAsync(op, job, "b");
        var after = Server.Requests.Snapshot();

        var reads = after.Where(kv => kv.Key.Verb is "get" or "list" && kv.Value != settled.GetValueOrDefault(kv.Key))
            .Select(kv => $"{kv.Key.Verb} {kv.Key.Resource}: {kv.Value - settled.GetValueOrDefault(kv.Key)}").ToList();
        // The test's own annotation updates of the Job are the only other requests.
        var writes = after.Where(kv => kv.Key.Verb is not ("get" or "list" or "watch") && kv.Value != settled.GetValueOrDefault(kv.Key))
            .Select(kv => $"{kv.Key.Verb} {kv.Key.Resource}: {kv.Value - settled.GetValueOrDefault(kv.Key)}").ToList();
        Assert.Empty(reads);
        Assert.Empty(writes);
    }

    /// <summary>An update of the Job that changes nothing the planner reads (an annotation) makes its owner reconcile.</summary>
    private async Task TouchAndWaitForReconcileAsync(OperatorProcess op, V1Job job, string value)
    {
        var before = await op.ReconcilesAsync();
        Server.Objects.Update<V1Job>(Ns, job.Metadata.Name, j => (j.Metadata.Annotations ??= new Dictionary<string, string>())["test/touch"] = value);
        var deadline = DateTime.UtcNow + Patience;
        while (await op.ReconcilesAsync() <= before)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no reconcile within {Patience.TotalSeconds}s after the Job update");
            await Task.Delay(25);
        }
    }
}
