using k8s;
using k8s.Models;

namespace FineTune.LocalApiServer.Tests.Storage;

public sealed class DeletionTests : ServerFixture
{
    private static V1OwnerReference OwnerOf(IKubernetesObject<V1ObjectMeta> owner) => new()
    {
        ApiVersion = owner.ApiVersion, Kind = owner.Kind, Name = owner.Metadata.Name, Uid = owner.Metadata.Uid, Controller = true, BlockOwnerDeletion = true,
    };

    private Task<V1ConfigMap> ConfigMapAsync(string name, IList<string>? finalizers = null, params V1OwnerReference[] owners) =>
        Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = name, Finalizers = finalizers, OwnerReferences = owners.Length == 0 ? null : owners },
        }, "default");

    private bool Exists(string name) => Server.Objects.Get<V1ConfigMap>("default", name) is not null;

    [Fact]
    public async Task Delete_of_an_object_with_finalizers_marks_it_and_removing_the_last_finalizer_deletes_it()
    {
        await ConfigMapAsync("f", ["finetune.dev/cleanup", "other"]);
        var rv = (await Client.CoreV1.ListNamespacedConfigMapAsync("default")).Metadata.ResourceVersion;
        await using var watch = new WatchRecorder<V1ConfigMap, V1ConfigMapList>(t =>
            Client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync("default", resourceVersion: rv, watch: true, cancellationToken: t));

        await Client.CoreV1.DeleteNamespacedConfigMapAsync("f", "default", new V1DeleteOptions { GracePeriodSeconds = 30 });
        var marked = await Client.CoreV1.ReadNamespacedConfigMapAsync("f", "default");
        Assert.NotNull(marked.Metadata.DeletionTimestamp);
        Assert.Equal(30, marked.Metadata.DeletionGracePeriodSeconds);
        Assert.Equal(WatchEventType.Modified, (await watch.NextChangeAsync(Patience)).Type);

        marked.Metadata.Finalizers = ["other"];
        marked = await Client.CoreV1.ReplaceNamespacedConfigMapAsync(marked, "f", "default");
        Assert.Equal(WatchEventType.Modified, (await watch.NextChangeAsync(Patience)).Type);
        Assert.True(Exists("f"));

        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"metadata\":{\"finalizers\":null}}", V1Patch.PatchType.MergePatch), "f", "default");
        var deleted = await watch.NextChangeAsync(Patience);
        Assert.Equal((WatchEventType.Deleted, "f"), (deleted.Type, deleted.Object.Metadata.Name));
        Assert.False(Exists("f"));
    }

    [Fact]
    public async Task No_finalizer_can_be_added_while_deleting()
    {
        await ConfigMapAsync("f", ["a"]);
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("f", "default");
        var patch = new V1Patch("{\"metadata\":{\"finalizers\":[\"a\",\"b\"]}}", V1Patch.PatchType.MergePatch);
        var error = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => Client.CoreV1.PatchNamespacedConfigMapAsync(patch, "f", "default"));
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
    }

    [Fact]
    public async Task Background_deletion_collects_dependents_and_their_dependents()
    {
        var owner = await ConfigMapAsync("owner");
        var child = await ConfigMapAsync("child", null, OwnerOf(owner));
        await ConfigMapAsync("grandchild", null, OwnerOf(child));
        await ConfigMapAsync("bystander");

        await Client.CoreV1.DeleteNamespacedConfigMapAsync("owner", "default");
        Assert.False(Exists("child"));
        Assert.False(Exists("grandchild"));
        Assert.True(Exists("bystander"));
    }

    [Fact]
    public async Task A_dependent_with_another_live_owner_only_loses_the_reference()
    {
        var a = await ConfigMapAsync("a");
        var b = await ConfigMapAsync("b");
        await ConfigMapAsync("shared", null, OwnerOf(a), OwnerOf(b));
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("a", "default");
        var shared = Server.Objects.Get<V1ConfigMap>("default", "shared")!;
        Assert.Equal(["b"], shared.Metadata.OwnerReferences.Select(r => r.Name).ToArray());
    }

    [Fact]
    public async Task Orphan_deletion_keeps_dependents_and_removes_their_owner_reference()
    {
        var owner = await ConfigMapAsync("owner");
        await ConfigMapAsync("child", null, OwnerOf(owner));
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("owner", "default", propagationPolicy: "Orphan");
        var child = Server.Objects.Get<V1ConfigMap>("default", "child")!;
        Assert.Null(child.Metadata.OwnerReferences);
    }

    [Fact]
    public async Task Foreground_deletion_keeps_the_owner_until_its_dependents_are_gone()
    {
        var owner = await ConfigMapAsync("owner");
        await ConfigMapAsync("child", ["hold"], OwnerOf(owner));
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("owner", "default", propagationPolicy: "Foreground");

        var waiting = Server.Objects.Get<V1ConfigMap>("default", "owner")!;
        Assert.Contains("foregroundDeletion", waiting.Metadata.Finalizers);
        Assert.NotNull(waiting.Metadata.DeletionTimestamp);
        Assert.NotNull(Server.Objects.Get<V1ConfigMap>("default", "child")!.Metadata.DeletionTimestamp);

        Server.Objects.Update<V1ConfigMap>("default", "child", c => c.Metadata.Finalizers = null);
        Assert.False(Exists("child"));
        Assert.False(Exists("owner"));
    }

    [Fact]
    public async Task Deleting_a_Job_orphans_its_pods_by_default_and_Background_removes_them()
    {
        foreach (var name in new[] { "kept", "gone" })
        {
            var job = await Client.BatchV1.CreateNamespacedJobAsync(new V1Job
            {
                Metadata = new V1ObjectMeta { Name = name },
                Spec = new V1JobSpec { Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "i" }] } } },
            }, "default");
            await Client.CoreV1.CreateNamespacedPodAsync(new V1Pod { Metadata = new V1ObjectMeta { Name = name + "-pod", OwnerReferences = [OwnerOf(job)] } }, "default");
        }
        await Client.BatchV1.DeleteNamespacedJobAsync("kept", "default");
        await Client.BatchV1.DeleteNamespacedJobAsync("gone", "default", propagationPolicy: "Background");
        Assert.NotNull(Server.Objects.Get<V1Pod>("default", "kept-pod"));
        Assert.Null(Server.Objects.Get<V1Pod>("default", "gone-pod"));
    }

    [Fact]
    public async Task Deleting_a_custom_resource_collects_its_jobs_and_their_pods()
    {
        var generic = new GenericClient(Client, Widget.Group, Widget.Version, Widget.Plural, disposeClient: false);
        var widget = await generic.CreateNamespacedAsync(Widget.Named("w"), "default");
        var job = await Client.BatchV1.CreateNamespacedJobAsync(new V1Job
        {
            Metadata = new V1ObjectMeta { Name = "w-train", OwnerReferences = [OwnerOf(widget)] },
            Spec = new V1JobSpec { Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "i" }] } } },
        }, "default");
        await Client.CoreV1.CreateNamespacedPodAsync(new V1Pod { Metadata = new V1ObjectMeta { Name = "w-train-pod", OwnerReferences = [OwnerOf(job)] } }, "default");

        await generic.DeleteNamespacedAsync<Widget>("default", "w");
        Assert.Null(Server.Objects.Get<V1Job>("default", "w-train"));
        Assert.Null(Server.Objects.Get<V1Pod>("default", "w-train-pod"));
    }

    [Fact]
    public async Task Delete_with_a_stale_resource_version_precondition_is_409()
    {
        var cm = await ConfigMapAsync("c");
        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"a\":\"b\"}}", V1Patch.PatchType.MergePatch), "c", "default");
        var error = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => Client.CoreV1.DeleteNamespacedConfigMapAsync("c", "default",
            new V1DeleteOptions { Preconditions = new V1Preconditions { ResourceVersion = cm.Metadata.ResourceVersion } }));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, error.Response.StatusCode);
        Assert.True(Exists("c"));
    }

    [Fact]
    public async Task Delete_collection_removes_only_the_selected_objects()
    {
        foreach (var (name, app) in new[] { ("t1", "trainer"), ("t2", "trainer"), ("w1", "web") })
            await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
            {
                Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = app } },
            }, "default");
        await Client.CoreV1.DeleteCollectionNamespacedConfigMapAsync("default", labelSelector: "app=trainer");
        Assert.Equal(["w1"], Server.Objects.List<V1ConfigMap>("default").Select(c => c.Metadata.Name).ToArray());
    }
}
