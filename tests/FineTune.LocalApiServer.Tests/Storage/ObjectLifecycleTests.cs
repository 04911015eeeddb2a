using k8s;
using k8s.Autorest;
using k8s.Models;
using System.Net;

namespace FineTune.LocalApiServer.Tests.Storage;

public sealed class ObjectLifecycleTests : ServerFixture
{
    private static V1ConfigMap ConfigMap(string name, string value = "a") => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Data = new Dictionary<string, string> { ["key"] = value },
    };

    [Fact]
    public async Task Create_sets_uid_creation_time_generation_and_a_growing_resource_version()
    {
        var first = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("one"), "default");
        var second = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("two"), "default");

        Assert.False(string.IsNullOrEmpty(first.Metadata.Uid));
        Assert.NotEqual(first.Metadata.Uid, second.Metadata.Uid);
        Assert.NotNull(first.Metadata.CreationTimestamp);
        Assert.Equal(1, first.Metadata.Generation);
        Assert.Equal("default", first.Metadata.NamespaceProperty);
        Assert.True(long.Parse(second.Metadata.ResourceVersion) > long.Parse(first.Metadata.ResourceVersion));
        var read = await Client.CoreV1.ReadNamespacedConfigMapAsync("one", "default");
        Assert.Equal("a", read.Data["key"]);
        Assert.Equal(first.Metadata.ResourceVersion, read.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Create_of_a_taken_name_is_409_AlreadyExists()
    {
        await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("taken"), "default");
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("taken"), "default"));
        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.Equal("AlreadyExists", status.Reason);
        Assert.Contains("\"taken\" already exists", status.Message);
    }

    [Fact]
    public async Task Get_of_a_missing_object_is_404_NotFound_Status()
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.ReadNamespacedSecretAsync("nothing", "default"));
        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.Equal("NotFound", status.Reason);
        Assert.Equal(404, status.Code);
        Assert.Equal("secrets \"nothing\" not found", status.Message);
    }

    [Fact]
    public async Task Update_with_a_stale_resource_version_is_409_Conflict()
    {
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("cm"), "default");
        var stale = created.Metadata.ResourceVersion;
        created.Data["key"] = "b";
        var updated = await Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "cm", "default");
        Assert.NotEqual(stale, updated.Metadata.ResourceVersion);

        created.Metadata.ResourceVersion = stale;
        created.Data["key"] = "c";
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "cm", "default"));
        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        Assert.Equal("Conflict", KubernetesJson.Deserialize<V1Status>(error.Response.Content).Reason);
        Assert.Equal("b", (await Client.CoreV1.ReadNamespacedConfigMapAsync("cm", "default")).Data["key"]);
    }

    [Fact]
    public async Task Generate_name_gives_a_unique_name_with_the_prefix()
    {
        var body = new V1ConfigMap { Metadata = new V1ObjectMeta { GenerateName = "run-" } };
        var a = await Client.CoreV1.CreateNamespacedConfigMapAsync(body, "default");
        var b = await Client.CoreV1.CreateNamespacedConfigMapAsync(body, "default");
        Assert.StartsWith("run-", a.Metadata.Name);
        Assert.Equal("run-".Length + 5, a.Metadata.Name.Length);
        Assert.NotEqual(a.Metadata.Name, b.Metadata.Name);
    }

    [Fact]
    public async Task Generation_grows_only_when_the_spec_changes()
    {
        var job = await Client.BatchV1.CreateNamespacedJobAsync(new V1Job
        {
            Metadata = new V1ObjectMeta { Name = "train" },
            Spec = new V1JobSpec { Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "img:1" }] } } },
        }, "default");
        Assert.Equal(1, job.Metadata.Generation);

        job.Metadata.Labels = new Dictionary<string, string> { ["only"] = "metadata" };
        job = await Client.BatchV1.ReplaceNamespacedJobAsync(job, "train", "default");
        Assert.Equal(1, job.Metadata.Generation);

        job.Spec.Template.Spec.Containers[0].Image = "img:2";
        job = await Client.BatchV1.ReplaceNamespacedJobAsync(job, "train", "default");
        Assert.Equal(2, job.Metadata.Generation);
    }

    [Fact]
    public async Task An_unchanged_update_keeps_the_resource_version()
    {
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("same"), "default");
        var again = await Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "same", "default");
        Assert.Equal(created.Metadata.ResourceVersion, again.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Typed_calls_work_for_every_resource_the_operator_uses()
    {
        var meta = new V1ObjectMeta { Name = "x", NamespaceProperty = "ops" };
        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = meta, StringData = new Dictionary<string, string> { ["k"] = "v" } }, "ops");
        await Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = meta }, "ops");
        await Client.CoreV1.CreateNamespacedEventAsync(new Corev1Event { Metadata = meta, InvolvedObject = new V1ObjectReference { Name = "x" }, Reason = "Created" }, "ops");
        await Client.EventsV1.CreateNamespacedEventAsync(new Eventsv1Event { Metadata = meta, EventTime = DateTime.UtcNow, Reason = "Created" }, "ops");
        await Client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease { Metadata = meta, Spec = new V1LeaseSpec { HolderIdentity = "me" } }, "ops");
        await Client.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role { Metadata = meta }, "ops");
        await Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = meta,
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "x" },
        }, "ops");

        Assert.Equal("me", (await Client.CoordinationV1.ReadNamespacedLeaseAsync("x", "ops")).Spec.HolderIdentity);
        Assert.Single((await Client.RbacAuthorizationV1.ListNamespacedRoleBindingAsync("ops")).Items);
        Assert.Single((await Client.EventsV1.ListNamespacedEventAsync("ops")).Items);
        Assert.Single((await Client.CoreV1.ListNamespacedEventAsync("ops")).Items);
        Assert.Equal("v", (await Client.CoreV1.ReadNamespacedSecretAsync("x", "ops")).StringData["k"]);
    }
}
