using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using k8s.Models;

namespace FineTune.LocalApiServer.Tests.Http;

/// <summary>Client features the operator builds on, run against the server unchanged.</summary>
public sealed class ClientFeatureTests : ServerFixture
{
    [Fact]
    public async Task Custom_object_watch_through_the_CustomObjects_API_sees_status_changes()
    {
        var generic = new GenericClient(Client, Widget.Group, Widget.Version, Widget.Plural, disposeClient: false);
        await generic.CreateNamespacedAsync(Widget.Named("w"), "default");
        var list = await generic.ListNamespacedAsync<WidgetList>("default");
        await using var watch = new WatchRecorder<Widget, object>(t =>
            Client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync(Widget.Group, Widget.Version, "default", Widget.Plural,
                resourceVersion: list.Metadata.ResourceVersion, allowWatchBookmarks: true, timeoutSeconds: 60, watch: true, cancellationToken: t));

        await Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch("{\"status\":{\"phase\":\"Running\"}}", V1Patch.PatchType.MergePatch),
            Widget.Group, Widget.Version, "default", Widget.Plural, "w");
        var change = await watch.NextChangeAsync(Patience);
        Assert.Equal(WatchEventType.Modified, change.Type);
        Assert.Equal("Running", change.Object.Status!.Phase);
        Assert.Equal(1, change.Object.Metadata.Generation);
    }

    [Fact]
    public async Task Only_one_of_two_leader_electors_leads_and_the_lease_names_it()
    {
        // A lease far longer than the renew period: a leader stalled by a loaded machine (the other test projects start
        // at the same time) must not lose the lease, or the follower rightly takes over and the test sees two leaders.
        LeaderElector Elector(string identity) => new(new LeaderElectionConfig(new LeaseLock(Client, "default", "operator-leader", identity))
        {
            LeaseDuration = TimeSpan.FromSeconds(30),
            RenewDeadline = TimeSpan.FromSeconds(20),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
        });
        using var first = Elector("replica-a");
        using var second = Elector("replica-b");
        var leaders = new System.Collections.Concurrent.ConcurrentBag<string>();
        var firstLeader = new TaskCompletionSource<string>();
        first.OnStartedLeading += () => { leaders.Add("replica-a"); firstLeader.TrySetResult("replica-a"); };
        second.OnStartedLeading += () => { leaders.Add("replica-b"); firstLeader.TrySetResult("replica-b"); };
        using var stop = new CancellationTokenSource();
        var runs = new[] { first.RunAndTryToHoldLeadershipForeverAsync(stop.Token), second.RunAndTryToHoldLeadershipForeverAsync(stop.Token) };

        var leader = await firstLeader.Task.WaitAsync(Patience);
        // Let several retry periods of the follower pass while the leader renews: still one leader.
        var lease = await Client.CoordinationV1.ReadNamespacedLeaseAsync("operator-leader", "default");
        var renewed = await WaitForRenewalAsync(lease);
        Assert.Equal(leader, renewed.Spec.HolderIdentity);
        Assert.Single(leaders);

        await stop.CancelAsync();
        await Task.WhenAll(runs.Select(r => r.ContinueWith(_ => { })));
    }

    /// <summary>Waits (on the lease's watch stream) until the holder has renewed the lease twice.</summary>
    private async Task<V1Lease> WaitForRenewalAsync(V1Lease lease)
    {
        await using var watch = new WatchRecorder<V1Lease, V1LeaseList>(t => Client.CoordinationV1.ListNamespacedLeaseWithHttpMessagesAsync("default",
            fieldSelector: "metadata.name=operator-leader", resourceVersion: lease.Metadata.ResourceVersion, watch: true, cancellationToken: t));
        var renewals = 0;
        while (true)
        {
            var change = await watch.NextChangeAsync(Patience);
            if (change.Object.Spec.RenewTime != lease.Spec.RenewTime && ++renewals == 2) return change.Object;
        }
    }
}
