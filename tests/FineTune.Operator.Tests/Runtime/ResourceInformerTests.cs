using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using FineTune.Operator.Runtime;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace FineTune.Operator.Tests.Runtime;

public class ResourceInformerTests
{
    private static V1ConfigMap Map(string name, string rv) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "ml", ResourceVersion = rv },
    };

    /// <summary>A scripted list/watch: each list returns the next snapshot; each watch plays the next script.</summary>
    private sealed class ScriptedSource : IResourceSource<V1ConfigMap>
    {
        public Queue<ResourceList<V1ConfigMap>> Lists { get; } = new();
        public Queue<Func<Action<Exception>, Channel<(WatchEventType, V1ConfigMap)>>> Watches { get; } = new();
        public List<string> WatchedFrom { get; } = [];
        public string Description => "configmaps";

        public Task<ResourceList<V1ConfigMap>> ListAsync(CancellationToken cancellationToken) => Task.FromResult(Lists.Dequeue());

        public async IAsyncEnumerable<(WatchEventType Type, V1ConfigMap Object)> WatchAsync(string resourceVersion,
            Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            WatchedFrom.Add(resourceVersion);
            var channel = Watches.Count > 0 ? Watches.Dequeue()(onError) : Channel.CreateUnbounded<(WatchEventType, V1ConfigMap)>();
            await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken))
                yield return item;
        }
    }

    [Fact]
    public async Task Gone_resource_version_leads_to_a_relist_whose_differences_are_reported()
    {
        var source = new ScriptedSource();
        source.Lists.Enqueue(new([Map("kept", "1"), Map("changed", "2"), Map("removed", "3")], "3"));
        source.Lists.Enqueue(new([Map("kept", "1"), Map("changed", "7"), Map("added", "8")], "8"));
        var goneSent = new TaskCompletionSource();
        source.Watches.Enqueue(onError =>
        {
            var channel = Channel.CreateUnbounded<(WatchEventType, V1ConfigMap)>();
            channel.Writer.TryWrite((WatchEventType.Bookmark, Map("", "5")));
            _ = Task.Run(async () =>
            {
                await Task.Delay(50);
                onError(new KubernetesException(new V1Status { Code = (int)HttpStatusCode.Gone, Reason = "Expired" }));
                goneSent.SetResult();
            });
            return channel;
        });

        var informer = new ResourceInformer<V1ConfigMap>(source, TimeProvider.System, NullLogger.Instance, TimeSpan.FromMinutes(5));
        var log = new List<string>();
        informer.Added += m => { lock (log) log.Add($"added {m.Metadata.Name}"); };
        informer.Updated += (_, m) => { lock (log) log.Add($"updated {m.Metadata.Name}"); };
        informer.Deleted += m => { lock (log) log.Add($"deleted {m.Metadata.Name}"); };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var run = informer.RunAsync(cts.Token);

        await informer.Synced.WaitAsync(cts.Token);
        while (source.WatchedFrom.Count < 2 && !cts.IsCancellationRequested)
            await Task.Delay(10, cts.Token);
        await cts.CancelAsync();
        await run;

        Assert.Equal(2, informer.Lists);
        Assert.Equal(["3", "8"], source.WatchedFrom);
        lock (log)
        {
            Assert.Equal(["added kept", "added changed", "added removed", "updated changed", "added added", "deleted removed"], log);
        }
        Assert.Equal(["added", "changed", "kept"], informer.Items.Select(m => m.Metadata.Name).Order());
    }

    [Fact]
    public async Task Normal_end_of_a_watch_resumes_from_the_last_resource_version_without_relisting()
    {
        var source = new ScriptedSource();
        source.Lists.Enqueue(new([Map("a", "1")], "1"));
        source.Watches.Enqueue(_ =>
        {
            var channel = Channel.CreateUnbounded<(WatchEventType, V1ConfigMap)>();
            channel.Writer.TryWrite((WatchEventType.Modified, Map("a", "4")));
            channel.Writer.TryWrite((WatchEventType.Bookmark, Map("", "9")));
            channel.Writer.Complete();
            return channel;
        });
        var informer = new ResourceInformer<V1ConfigMap>(source, TimeProvider.System, NullLogger.Instance, TimeSpan.FromMinutes(5));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var run = informer.RunAsync(cts.Token);
        while (source.WatchedFrom.Count < 2 && !cts.IsCancellationRequested)
            await Task.Delay(10, cts.Token);
        await cts.CancelAsync();
        await run;
        Assert.Equal(1, informer.Lists);
        Assert.Equal(["1", "9"], source.WatchedFrom);
        Assert.Equal("4", informer.Get("ml/a")!.Metadata.ResourceVersion);
    }
}
