using k8s;
using k8s.Autorest;
using k8s.Models;
using System.Net;

namespace FineTune.LocalApiServer.Tests.Patching;

public sealed class PatchTests : ServerFixture
{
    private async Task<V1ConfigMap> SeedAsync() => await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
    {
        Metadata = new V1ObjectMeta { Name = "p", Labels = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, Finalizers = ["x", "y"] },
        Data = new Dictionary<string, string> { ["k"] = "v" },
    }, "default");

    [Fact]
    public async Task Merge_patch_merges_objects_deletes_nulls_and_replaces_lists()
    {
        await SeedAsync();
        var patch = new V1Patch("{\"metadata\":{\"labels\":{\"a\":null,\"c\":\"3\"},\"finalizers\":[\"z\"]},\"data\":{\"k2\":\"v2\"}}", V1Patch.PatchType.MergePatch);
        var patched = await Client.CoreV1.PatchNamespacedConfigMapAsync(patch, "p", "default");
        Assert.Equal(new Dictionary<string, string> { ["b"] = "2", ["c"] = "3" }, patched.Metadata.Labels);
        Assert.Equal(["z"], patched.Metadata.Finalizers);
        Assert.Equal("v", patched.Data["k"]);
        Assert.Equal("v2", patched.Data["k2"]);
    }

    [Fact]
    public async Task Json_patch_applies_operations_in_order_and_a_failed_test_rejects_all()
    {
        await SeedAsync();
        var patch = new V1Patch("[{\"op\":\"remove\",\"path\":\"/metadata/finalizers/0\"},{\"op\":\"add\",\"path\":\"/data/n\",\"value\":\"1\"}," +
            "{\"op\":\"replace\",\"path\":\"/metadata/labels/b\",\"value\":\"9\"}]", V1Patch.PatchType.JsonPatch);
        var patched = await Client.CoreV1.PatchNamespacedConfigMapAsync(patch, "p", "default");
        Assert.Equal(["y"], patched.Metadata.Finalizers);
        Assert.Equal("1", patched.Data["n"]);
        Assert.Equal("9", patched.Metadata.Labels["b"]);

        var failing = new V1Patch("[{\"op\":\"add\",\"path\":\"/data/m\",\"value\":\"1\"},{\"op\":\"test\",\"path\":\"/data/k\",\"value\":\"other\"}]", V1Patch.PatchType.JsonPatch);
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.PatchNamespacedConfigMapAsync(failing, "p", "default"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        Assert.False((await Client.CoreV1.ReadNamespacedConfigMapAsync("p", "default")).Data.ContainsKey("m"));
    }

    [Fact]
    public async Task Strategic_merge_patch_is_applied_as_a_merge_patch()
    {
        await SeedAsync();
        var patch = new V1Patch("{\"metadata\":{\"labels\":{\"d\":\"4\"}}}", V1Patch.PatchType.StrategicMergePatch);
        var patched = await Client.CoreV1.PatchNamespacedConfigMapAsync(patch, "p", "default");
        Assert.Equal("4", patched.Metadata.Labels["d"]);
        Assert.Equal("1", patched.Metadata.Labels["a"]);
    }

    [Fact]
    public async Task Patch_carrying_a_stale_resource_version_is_409_Conflict()
    {
        var seeded = await SeedAsync();
        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"k\":\"w\"}}", V1Patch.PatchType.MergePatch), "p", "default");
        var stale = new V1Patch($"{{\"metadata\":{{\"resourceVersion\":\"{seeded.Metadata.ResourceVersion}\"}},\"data\":{{\"k\":\"x\"}}}}", V1Patch.PatchType.MergePatch);
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.PatchNamespacedConfigMapAsync(stale, "p", "default"));
        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
    }

    [Fact]
    public async Task Apply_patch_and_unknown_content_types_are_415()
    {
        await SeedAsync();
        var apply = new V1Patch("{\"data\":{\"k\":\"x\"}}", V1Patch.PatchType.ApplyPatch);
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.PatchNamespacedConfigMapAsync(apply, "p", "default", fieldManager: "t"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, error.Response.StatusCode);
        Assert.Contains("application/merge-patch+json", KubernetesJson.Deserialize<V1Status>(error.Response.Content).Message);
    }

    [Fact]
    public async Task Patch_of_a_missing_object_is_404()
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{}", V1Patch.PatchType.MergePatch), "absent", "default"));
        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
    }
}
