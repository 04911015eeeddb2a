using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace FineTune.LocalApiServer.Tests.Validation;

/// <summary>
/// Updates of objects that no longer pass their schema (stored before a stricter CRD): unchanged invalid values are
/// accepted (status writes included), changed ones are rejected, as Kubernetes ratchets validation.
/// </summary>
public sealed class ValidationRatchetingTests : FineTuneJobServerFixture
{
    /// <summary>Stores <paramref name="obj"/> without validation, as if it had been written under an older schema.</summary>
    private void StoreUnchecked(JsonObject obj)
    {
        var type = Server.Resources.FindByKind(obj["apiVersion"]!.GetValue<string>(), obj["kind"]!.GetValue<string>())!;
        Server.Store.Create(type, obj["metadata"]!["namespace"]!.GetValue<string>(), obj);
    }

    private Task<object> MergePatch(string group, string version, string plural, string name, string json, bool status = false)
    {
        var patch = new V1Patch(json, V1Patch.PatchType.MergePatch);
        return status
            ? Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(patch, group, version, "default", plural, name)
            : Client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, group, version, "default", plural, name);
    }

    private static async Task<IReadOnlyList<string>> RejectedFields(Func<Task> write)
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(write);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        return KubernetesJson.Deserialize<V1Status>(error.Response.Content).Details.Causes.Select(c => c.Field).ToList();
    }

    [Fact]
    public async Task Unchanged_out_of_range_value_is_accepted_and_a_changed_one_rejected()
    {
        StoreUnchecked(JsonNode.Parse("""
            { "apiVersion": "test.finetune.dev/v1", "kind": "Widget", "metadata": { "name": "w", "namespace": "default" },
              "spec": { "size": 50, "color": "red" } }
            """)!.AsObject());

        await MergePatch(Widget.Group, Widget.Version, Widget.Plural, "w", """{ "status": { "phase": "Ready" } }""", status: true);
        await MergePatch(Widget.Group, Widget.Version, Widget.Plural, "w", """{ "spec": { "color": "blue" } }""");
        Assert.Equal(["spec.size"], await RejectedFields(() => MergePatch(Widget.Group, Widget.Version, Widget.Plural, "w", """{ "spec": { "size": 60 } }""")));

        var stored = Server.Objects.Get<Widget>("default", "w")!;
        Assert.Equal(("Ready", "blue", 50), (stored.Status!.Phase, stored.Spec!.Color, stored.Spec.Size));
    }

    [Fact]
    public async Task FineTuneJob_breaking_a_CEL_rule_takes_status_writes_until_its_spec_changes()
    {
        var job = Example("lora.yaml");
        job["metadata"] = new JsonObject { ["name"] = "old", ["namespace"] = "default" };
        job["spec"]!.AsObject().Remove("lora"); // breaks "self.method != 'lora' || has(self.lora)"
        StoreUnchecked(job);

        await MergePatch("finetune.dev", "v1alpha1", "finetunejobs", "old", """{ "status": { "phase": "Running" } }""", status: true);
        var fields = await RejectedFields(() => MergePatch("finetune.dev", "v1alpha1", "finetunejobs", "old", """{ "spec": { "hyperparameters": { "epochs": 2 } } }"""));
        Assert.Equal(["spec.lora"], fields);
    }
}
