using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace FineTune.LocalApiServer.Tests.Security;

/// <summary>Requests with a service-account token are held to the stored Roles and bindings, as Kubernetes RBAC does.</summary>
public sealed class RbacAuthorizationTests : ServerFixture
{
    protected override LocalApiServerOptions Options => base.Options with { AuthorizeServiceAccounts = true };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var name in new[] { "w1", "w2" })
        {
            var widget = Widget.Named(name);
            widget.Metadata.NamespaceProperty = "default";
            Server.Objects.Create(widget);
        }
        // The shape of the trainer's per-job Role: its own object's status, nothing else.
        Server.Objects.Create(new V1Role
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "Role",
            Metadata = new V1ObjectMeta { Name = "w1-trainer", NamespaceProperty = "default" },
            Rules =
            [
                new V1PolicyRule { ApiGroups = [Widget.Group], Resources = ["widgets/status"], Verbs = ["get", "patch"], ResourceNames = ["w1"] },
                new V1PolicyRule { ApiGroups = [Widget.Group], Resources = ["widgets"], Verbs = ["get"], ResourceNames = ["w1"] },
            ],
        });
        Server.Objects.Create(new V1RoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "RoleBinding",
            Metadata = new V1ObjectMeta { Name = "w1-trainer", NamespaceProperty = "default" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "w1-trainer" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "w1-trainer", NamespaceProperty = "default" }],
        });
    }

    private static Task PatchAsync(Kubernetes client, string name, string json, bool status) => status
        ? client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch(json, V1Patch.PatchType.MergePatch), Widget.Group, Widget.Version, "default", Widget.Plural, name)
        : client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(json, V1Patch.PatchType.MergePatch), Widget.Group, Widget.Version, "default", Widget.Plural, name);

    private static async Task<V1Status> Refused(HttpStatusCode code, Func<Task> request)
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(request);
        Assert.Equal(code, error.Response.StatusCode);
        return KubernetesJson.Deserialize<V1Status>(error.Response.Content);
    }

    [Fact]
    public async Task Trainer_token_may_patch_only_the_status_of_its_own_object()
    {
        using var trainer = Server.CreateClient("default", "w1-trainer");

        await PatchAsync(trainer, "w1", """{ "status": { "phase": "Training" } }""", status: true);
        Assert.Equal("Training", Server.Objects.Get<Widget>("default", "w1")!.Status!.Phase);

        var spec = await Refused(HttpStatusCode.Forbidden, () => PatchAsync(trainer, "w1", """{ "spec": { "size": 5 } }""", status: false));
        Assert.Equal("Forbidden", spec.Reason);
        Assert.Equal("widgets.test.finetune.dev \"w1\" is forbidden: User \"system:serviceaccount:default:w1-trainer\" cannot patch resource \"widgets\" in API group \"test.finetune.dev\" in the namespace \"default\"", spec.Message);
        await Refused(HttpStatusCode.Forbidden, () => PatchAsync(trainer, "w2", """{ "status": { "phase": "Training" } }""", status: true));
        await Refused(HttpStatusCode.Forbidden, () => trainer.CoreV1.ListNamespacedSecretAsync("default"));
        Assert.Equal(2, Server.Objects.Get<Widget>("default", "w1")!.Spec!.Size);
    }

    [Fact]
    public async Task Cluster_role_bound_to_every_service_account_grants_everywhere()
    {
        Server.Objects.Create(new V1ClusterRole
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRole", Metadata = new V1ObjectMeta { Name = "widget-reader" },
            Rules = [new V1PolicyRule { ApiGroups = [Widget.Group], Resources = ["widgets"], Verbs = ["list", "get"] }],
        });
        using var other = Server.CreateClient("ml", "someone");
        await Refused(HttpStatusCode.Forbidden, () => other.CustomObjects.ListNamespacedCustomObjectAsync(Widget.Group, Widget.Version, "default", Widget.Plural));

        Server.Objects.Create(new V1ClusterRoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRoleBinding", Metadata = new V1ObjectMeta { Name = "widget-readers" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "widget-reader" },
            Subjects = [new Rbacv1Subject { Kind = "Group", Name = "system:serviceaccounts", ApiGroup = "rbac.authorization.k8s.io" }],
        });
        await other.CustomObjects.ListNamespacedCustomObjectAsync(Widget.Group, Widget.Version, "default", Widget.Plural);
    }

    [Fact]
    public async Task Unknown_token_is_401_and_no_token_is_the_admin()
    {
        using var stranger = new Kubernetes(new KubernetesClientConfiguration { Host = Server.Url, AccessToken = "not-issued" });
        Assert.Equal("Unauthorized", (await Refused(HttpStatusCode.Unauthorized, () => stranger.CoreV1.ListNamespacedPodAsync("default"))).Reason);

        await PatchAsync(Client, "w2", """{ "spec": { "size": 4 } }""", status: false);
        Assert.Equal(4, Server.Objects.Get<Widget>("default", "w2")!.Spec!.Size);
    }
}
