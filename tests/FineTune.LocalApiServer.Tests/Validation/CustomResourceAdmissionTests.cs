using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace FineTune.LocalApiServer.Tests.Validation;

public sealed class CustomResourceAdmissionTests : FineTuneJobServerFixture
{
    private GenericClient Widgets => new(Client, Widget.Group, Widget.Version, Widget.Plural, disposeClient: false);

    [Fact]
    public async Task Schema_defaults_are_applied_on_create()
    {
        var created = await Widgets.CreateNamespacedAsync(Widget.Named("w", size: null), "default");
        Assert.Equal(3, created.Spec!.Size);
    }

    [Fact]
    public async Task Invalid_custom_resource_is_422_with_a_cause_per_field()
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Widgets.CreateNamespacedAsync(Widget.Named("w", size: 0, color: "pink"), "default"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.Equal("Invalid", status.Reason);
        Assert.StartsWith("Widget.test.finetune.dev \"w\" is invalid", status.Message);
        Assert.Equal(["spec.color", "spec.size"], status.Details.Causes.Select(c => c.Field).Order().ToArray());
        Assert.Null(Server.Objects.Get<Widget>("default", "w"));
    }

    [Fact]
    public async Task Invalid_update_and_invalid_patch_are_rejected_and_leave_the_object()
    {
        var created = await Widgets.CreateNamespacedAsync(Widget.Named("w", size: 2), "default");
        created.Spec!.Size = 11;
        var put = await Assert.ThrowsAsync<HttpOperationException>(() => Widgets.ReplaceNamespacedAsync(created, "default", "w"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, put.Response.StatusCode);
        var patch = new V1Patch("{\"spec\":{\"color\":\"pink\"}}", V1Patch.PatchType.MergePatch);
        var patched = await Assert.ThrowsAsync<HttpOperationException>(() =>
            Client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, Widget.Group, Widget.Version, "default", Widget.Plural, "w"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, patched.Response.StatusCode);
        Assert.Equal(2, Server.Objects.Get<Widget>("default", "w")!.Spec!.Size);
    }

    [Fact]
    public async Task The_project_example_FineTuneJob_is_accepted_through_the_CustomObjects_API()
    {
        var manifest = Example("lora.yaml");
        var created = await Client.CustomObjects.CreateNamespacedCustomObjectAsync(manifest, "finetune.dev", "v1alpha1", "ml", "finetunejobs");
        var stored = JsonNode.Parse(KubernetesJson.Serialize(created))!;
        Assert.Equal("support-bot", stored["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(1, stored["metadata"]!["generation"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_bad_FineTuneJob_lists_every_problem_in_the_Status()
    {
        var manifest = Example("lora.yaml");
        manifest["spec"]!["lora"]!["rank"] = 0;
        manifest["spec"]!["method"] = "lora";
        manifest["spec"]!["model"]!["uri"] = "";
        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            Client.CustomObjects.CreateNamespacedCustomObjectAsync(manifest, "finetune.dev", "v1alpha1", "ml", "finetunejobs"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        var causes = KubernetesJson.Deserialize<V1Status>(error.Response.Content).Details.Causes.Select(c => c.Field).ToList();
        Assert.Contains("spec.lora.rank", causes);
        Assert.Contains("spec.model.uri", causes);
    }
}
