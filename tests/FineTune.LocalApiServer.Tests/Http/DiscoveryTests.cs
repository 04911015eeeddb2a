using k8s;

namespace FineTune.LocalApiServer.Tests.Http;

public sealed class DiscoveryTests : ServerFixture
{
    [Fact]
    public async Task Discovery_lists_core_resources_groups_and_custom_resources_with_their_status_subresource()
    {
        var core = await Client.CoreV1.GetAPIResourcesAsync();
        Assert.Contains(core.Resources, r => r.Name == "pods" && r.Namespaced && r.Kind == "Pod");
        Assert.Contains(core.Resources, r => r.Name == "pods/status");
        Assert.DoesNotContain(core.Resources, r => r.Name == "configmaps/status");

        var groups = await Client.Apis.GetAPIVersionsAsync();
        Assert.Contains(groups.Groups, g => g.Name == "batch" && g.PreferredVersion.Version == "v1");
        Assert.Contains(groups.Groups, g => g.Name == Widget.Group);

        var batch = await Client.BatchV1.GetAPIResourcesAsync();
        Assert.Contains(batch.Resources, r => r.Name == "jobs/status");
        using var http = new HttpClient();
        var text = await http.GetStringAsync($"{Server.Url}/apis/{Widget.Group}/{Widget.Version}");
        Assert.Contains("\"widgets/status\"", text);
    }
}
