using FineTune.Api.V1Alpha1;
using FineTune.LocalApiServer.Testing;
using FineTune.Operator.Status;
using FineTune.Operator.Tests.Support;
using k8s.Models;

namespace FineTune.Operator.Tests.Integration;

/// <summary>Refusals and failures of the API server become conditions and events, retried with backoff, never a hot loop.</summary>
public sealed class BadInputTests : ClusterFixture
{
    [Fact]
    public async Task Forbidden_job_creation_is_reported_and_retried_with_backoff_until_allowed()
    {
        Server.Faults.Add(new FaultRule { Verb = "create", Resource = "jobs", StatusCode = 403, Times = -1, Message = "jobs.batch is forbidden: exceeded quota: gpu-quota" });
        await StartOperatorAsync();
        await CreateAsync(TestJobs.Lora());

        var refused = await Eventually(() => Get("support-bot"),
            j => Conditions.Find(j.Status?.Conditions, ConditionTypes.Running)?.Reason == ConditionReasons.JobCreationFailed, "a JobCreationFailed condition");
        var message = Conditions.Find(refused.Status!.Conditions, ConditionTypes.Running)!.Message!;
        Assert.Contains("HTTP 403", message);
        Assert.Contains("exceeded quota: gpu-quota", message);
        await Eventually(() => Server.Objects.List<Corev1Event>(Ns),
            e => e.Count(x => x.Reason == ConditionReasons.JobCreationFailed && x.Type == "Warning") == 1, "one JobCreationFailed warning");

        // Backoff (50 ms doubling to 1 s in tests): a handful of attempts in 3 s, not hundreds; one event, not one per attempt.
        var before = Server.Requests.Count("create", "jobs");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var attempts = Server.Requests.Count("create", "jobs") - before;
        Assert.InRange(attempts, 1, 10);
        Assert.Single(Server.Objects.List<Corev1Event>(Ns), e => e.Reason == ConditionReasons.JobCreationFailed);

        Server.Faults.Clear();
        await WaitForTrainingJob("support-bot", "train");
        await Eventually(() => Get("support-bot"),
            j => Conditions.Find(j.Status?.Conditions, ConditionTypes.Running)?.Reason == ConditionReasons.StagePending, "the condition to clear");
    }

    [Fact]
    public async Task A_steady_job_causes_no_requests_over_a_window()
    {
        await StartOperatorAsync();
        await CreateAsync(TestJobs.Lora());
        MarkRunning(await WaitForTrainingJob("support-bot", "train"));
        await WaitForPhase("support-bot", JobPhase.Running);
        // The reconcile that wrote Running may still be writing its events (slowly, on a loaded machine): wait for a
        // first quiet second, then a window of three must stay quiet too.
        var deadline = DateTime.UtcNow + Patience;
        List<string> busy;
        do
        {
            busy = await RequestsDuringAsync(TimeSpan.FromSeconds(1));
        }
        while (busy.Count > 0 && DateTime.UtcNow < deadline);
        Assert.Empty(busy);

        // Only watches may be reopened; no reconcile runs while nothing changes (the running requeue is 60 s).
        Assert.Empty(await RequestsDuringAsync(TimeSpan.FromSeconds(3)));
    }

    /// <summary>The requests other than watches and lists the server received during <paramref name="window"/>.</summary>
    private async Task<List<string>> RequestsDuringAsync(TimeSpan window)
    {
        var before = Server.Requests.Snapshot();
        await Task.Delay(window);
        var after = Server.Requests.Snapshot();
        return after.Where(kv => kv.Key.Verb is not ("watch" or "list") && kv.Value != before.GetValueOrDefault(kv.Key))
            .Select(kv => $"{kv.Key.Verb} {kv.Key.Resource}: {kv.Value - before.GetValueOrDefault(kv.Key)}").ToList();
    }
}
