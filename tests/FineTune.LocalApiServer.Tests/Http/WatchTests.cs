using System.Diagnostics;
using FineTune.LocalApiServer;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace FineTune.LocalApiServer.Tests.Http;

public sealed class WatchTests : ServerFixture
{
    protected override LocalApiServerOptions Options => base.Options with
    {
        WatchHistorySize = 5,
        BookmarkInterval = TimeSpan.FromMilliseconds(100),
    };

    private WatchRecorder<V1ConfigMap, V1ConfigMapList> WatchConfigMaps(string? ns, string? resourceVersion = null, string? labelSelector = null,
        bool bookmarks = false, int? timeoutSeconds = null) =>
        new(token => ns is null
            ? Client.CoreV1.ListConfigMapForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: bookmarks, labelSelector: labelSelector,
                resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, watch: true, cancellationToken: token)
            : Client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync(ns, allowWatchBookmarks: bookmarks, labelSelector: labelSelector,
                resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, watch: true, cancellationToken: token));

    private Task<V1ConfigMap> CreateAsync(string name, string ns = "default", Dictionary<string, string>? labels = null) =>
        Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, Labels = labels } }, ns);

    [Fact]
    public async Task Watch_from_a_list_resource_version_sees_added_modified_and_deleted_in_order()
    {
        var list = await Client.CoreV1.ListNamespacedConfigMapAsync("default");
        await using var watch = WatchConfigMaps("default", list.Metadata.ResourceVersion);

        var created = await CreateAsync("w");
        created.Data = new Dictionary<string, string> { ["k"] = "v" };
        var updated = await Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "w", "default");
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("w", "default");

        var added = await watch.NextChangeAsync(Patience);
        Assert.Equal((WatchEventType.Added, created.Metadata.ResourceVersion), (added.Type, added.Object.Metadata.ResourceVersion));
        var modified = await watch.NextChangeAsync(Patience);
        Assert.Equal((WatchEventType.Modified, updated.Metadata.ResourceVersion), (modified.Type, modified.Object.Metadata.ResourceVersion));
        Assert.Equal("v", modified.Object.Data["k"]);
        var deleted = await watch.NextChangeAsync(Patience);
        Assert.Equal(WatchEventType.Deleted, deleted.Type);
        Assert.True(long.Parse(deleted.Object.Metadata.ResourceVersion) > long.Parse(updated.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task Watch_without_resource_version_starts_with_the_existing_objects()
    {
        await CreateAsync("before");
        await using var watch = WatchConfigMaps("default");
        var first = await watch.NextChangeAsync(Patience);
        Assert.Equal((WatchEventType.Added, "before"), (first.Type, first.Object.Metadata.Name));
    }

    [Fact]
    public async Task Watch_of_one_namespace_skips_other_namespaces_and_all_namespaces_sees_both()
    {
        var rv = (await Client.CoreV1.ListConfigMapForAllNamespacesAsync()).Metadata.ResourceVersion;
        await using var one = WatchConfigMaps("b", rv);
        await using var all = WatchConfigMaps(null, rv);
        await CreateAsync("in-a", "a");
        await CreateAsync("in-b", "b");

        Assert.Equal("in-b", (await one.NextChangeAsync(Patience)).Object.Metadata.Name);
        Assert.Equal("in-a", (await all.NextChangeAsync(Patience)).Object.Metadata.Name);
        Assert.Equal("in-b", (await all.NextChangeAsync(Patience)).Object.Metadata.Name);
    }

    [Fact]
    public async Task Label_selected_watch_sees_an_object_leave_the_selection_as_deleted()
    {
        var rv = (await Client.CoreV1.ListNamespacedConfigMapAsync("default")).Metadata.ResourceVersion;
        await using var watch = WatchConfigMaps("default", rv, labelSelector: "app=trainer");
        var cm = await CreateAsync("sel", labels: new() { ["app"] = "trainer" });
        await CreateAsync("other", labels: new() { ["app"] = "web" });
        cm.Metadata.Labels["app"] = "web";
        await Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "sel", "default");

        Assert.Equal((WatchEventType.Added, "sel"), Pick(await watch.NextChangeAsync(Patience)));
        Assert.Equal((WatchEventType.Deleted, "sel"), Pick(await watch.NextChangeAsync(Patience)));
    }

    [Fact]
    public async Task Bookmarks_carry_the_current_resource_version_when_asked_for()
    {
        await CreateAsync("x");
        var rv = (await Client.CoreV1.ListNamespacedConfigMapAsync("default")).Metadata.ResourceVersion;
        await using var watch = WatchConfigMaps("default", rv, bookmarks: true);
        var bookmark = await watch.NextAsync(Patience);
        Assert.Equal(WatchEventType.Bookmark, bookmark.Type);
        Assert.Equal(rv, bookmark.Object.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Watch_ends_when_timeout_seconds_pass()
    {
        var stopwatch = Stopwatch.StartNew();
        await using var watch = WatchConfigMaps("default", timeoutSeconds: 1);
        await watch.Ended.WaitAsync(Patience);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(0.9), Patience);
    }

    [Fact]
    public async Task Watch_from_a_resource_version_older_than_the_history_is_410_Gone()
    {
        var rv = (await Client.CoreV1.ListNamespacedConfigMapAsync("default")).Metadata.ResourceVersion;
        for (var i = 0; i < 8; i++) await CreateAsync($"c{i}");

        await using var watch = WatchConfigMaps("default", rv);
        var error = await watch.NextErrorAsync(Patience);
        var kube = Assert.IsType<KubernetesException>(error);
        Assert.Equal(410, kube.Status.Code);
        Assert.Equal("Expired", kube.Status.Reason);
    }

    [Fact]
    public async Task Watch_from_a_recent_resource_version_replays_only_later_changes()
    {
        for (var i = 0; i < 8; i++) await CreateAsync($"c{i}");
        var sixth = (await Client.CoreV1.ReadNamespacedConfigMapAsync("c6", "default")).Metadata.ResourceVersion;
        await using var watch = WatchConfigMaps("default", sixth);
        Assert.Equal("c7", (await watch.NextChangeAsync(Patience)).Object.Metadata.Name);
    }

    [Fact]
    public async Task Replay_with_a_field_selector_reads_superseded_versions_correctly()
    {
        var rv = (await Client.CoreV1.ListNamespacedConfigMapAsync("default")).Metadata.ResourceVersion;
        var a = await CreateAsync("a");
        await CreateAsync("b");
        a.Data = new Dictionary<string, string> { ["v"] = "2" };
        await Client.CoreV1.ReplaceNamespacedConfigMapAsync(a, "a", "default");

        await using var watch = new WatchRecorder<V1ConfigMap, V1ConfigMapList>(t => Client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync("default",
            fieldSelector: "metadata.name=a", resourceVersion: rv, watch: true, cancellationToken: t));
        var added = await watch.NextChangeAsync(Patience);
        Assert.Equal((WatchEventType.Added, "a"), Pick(added));
        Assert.Null(added.Object.Data);
        var modified = await watch.NextChangeAsync(Patience);
        Assert.Equal((WatchEventType.Modified, "a"), Pick(modified));
        Assert.Equal("2", modified.Object.Data["v"]);
    }

    private static (WatchEventType, string) Pick((WatchEventType Type, V1ConfigMap Object) e) => (e.Type, e.Object.Metadata.Name);
}
