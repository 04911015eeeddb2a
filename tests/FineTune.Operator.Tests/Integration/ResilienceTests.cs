using FineTune.Api.V1Alpha1;
using FineTune.Operator.Runtime;
using FineTune.Operator.Tests.Support;

namespace FineTune.Operator.Tests.Integration;

public class ResilienceTests : ClusterFixture
{
    [Fact]
    public async Task Operator_restarted_mid_run_creates_no_duplicates_and_converges()
    {
        var first = await StartOperatorAsync();
        await CreateAsync(TestJobs.Rlhf());
        var sft = await WaitForTrainingJob("chat-align", "sft");
        MarkRunning(sft);
        await WaitForPhase("chat-align", JobPhase.Running);
        await StopOperatorAsync(first);

        // While no operator runs, the stage finishes.
        MarkSucceeded(sft);
        await StartOperatorAsync();
        var reward = await WaitForTrainingJob("chat-align", "reward");
        Assert.Equal(2, TrainingJobs("chat-align").Count);
        MarkSucceeded(reward);
        MarkSucceeded(await WaitForTrainingJob("chat-align", "ppo"));
        await WaitForPhase("chat-align", JobPhase.Succeeded);
        Assert.Equal(3, TrainingJobs("chat-align").Count);
    }

    [Fact]
    public async Task Only_the_leader_acts_and_the_standby_takes_over()
    {
        OperatorState? Leader(params OperatorProcess[] all) => all.Select(p => p.State).FirstOrDefault(s => s.IsLeader);
        var a = await StartOperatorAsync(o => { o.LeaderElection.Enabled = true; o.LeaderElection.Identity = "a"; });
        var b = await StartOperatorAsync(o => { o.LeaderElection.Enabled = true; o.LeaderElection.Identity = "b"; });
        await Eventually(() => Leader(a, b), s => s.CachesSynced, "a leader with synced caches");
        var (leader, standby) = a.State.IsLeader ? (a, b) : (b, a);

        await CreateAsync(TestJobs.Lora());
        var k8sJob = await WaitForTrainingJob("support-bot", "train");
        await WaitForPhase("support-bot", JobPhase.Pending);
        Assert.False(standby.State.IsLeader);
        Assert.Equal(0, standby.Counter.Writes);
        Assert.True(leader.Counter.Writes > 0);

        await StopOperatorAsync(leader);
        await Eventually(() => standby.State, s => s.IsLeader && s.CachesSynced, "the standby to lead");
        MarkRunning(k8sJob);
        await WaitForPhase("support-bot", JobPhase.Running);
        Assert.True(standby.Counter.Writes > 0);
        Assert.Single(TrainingJobs("support-bot"));
    }

    [Fact]
    public async Task Operator_recovers_when_the_api_server_comes_back()
    {
        await StartOperatorAsync();
        await CreateAsync(TestJobs.Lora("before"));
        await WaitForTrainingJob("before", "train");

        await Server.StopListenerAsync();
        await Task.Delay(TimeSpan.FromSeconds(1)); // the outage itself: the operator must see its watches break
        await Server.StartListenerAsync();

        await CreateAsync(TestJobs.Lora("after"));
        var k8sJob = await WaitForTrainingJob("after", "train");
        MarkRunning(k8sJob);
        await WaitForPhase("after", JobPhase.Running);
    }
}
