using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using System.Net;

namespace FineTune.LocalApiServer.Tests.Http;

public sealed class StatusSubresourceTests : ServerFixture
{
    [Fact]
    public async Task Custom_resource_main_writes_ignore_status_and_status_writes_change_only_status()
    {
        var generic = new GenericClient(Client, Widget.Group, Widget.Version, Widget.Plural, disposeClient: false);
        var created = await generic.CreateNamespacedAsync(new Widget
        {
            Metadata = new V1ObjectMeta { Name = "w" }, Spec = new WidgetSpec { Size = 2 }, Status = new WidgetStatus { Phase = "Faked" },
        }, "default");
        Assert.Null(created.Status);

        created.Status = new WidgetStatus { Phase = "Ignored" };
        created.Spec!.Size = 4;
        var replaced = await generic.ReplaceNamespacedAsync(created, "default", "w");
        Assert.Null(replaced.Status);
        Assert.Equal(2, replaced.Metadata.Generation);

        var statusPatch = new V1Patch("{\"status\":{\"phase\":\"Running\"},\"spec\":{\"size\":9}}", V1Patch.PatchType.MergePatch);
        await Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(statusPatch, Widget.Group, Widget.Version, "default", Widget.Plural, "w");
        var read = await generic.ReadNamespacedAsync<Widget>("default", "w");
        Assert.Equal("Running", read.Status!.Phase);
        Assert.Equal(4, read.Spec!.Size);
        Assert.Equal(2, read.Metadata.Generation);
    }

    [Fact]
    public async Task Job_status_is_written_through_the_status_subresource_only()
    {
        var job = await Client.BatchV1.CreateNamespacedJobAsync(new V1Job
        {
            Metadata = new V1ObjectMeta { Name = "j" },
            Spec = new V1JobSpec { Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "i" }] } } },
            Status = new V1JobStatus { Succeeded = 1 },
        }, "default");
        Assert.Null(job.Status?.Succeeded);

        job.Status = new V1JobStatus { Active = 1 };
        var afterStatus = await Client.BatchV1.ReplaceNamespacedJobStatusAsync(job, "j", "default");
        Assert.Equal(1, afterStatus.Status.Active);
        Assert.Equal(1, afterStatus.Metadata.Generation);

        afterStatus.Status.Active = 5;
        var afterMain = await Client.BatchV1.ReplaceNamespacedJobAsync(afterStatus, "j", "default");
        Assert.Equal(1, afterMain.Status.Active);
    }

    [Fact]
    public async Task Status_of_a_resource_without_the_subresource_is_404()
    {
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" } }, "default");
        using var http = new HttpClient();
        var response = await http.PutAsync($"{Server.Url}/api/v1/namespaces/default/configmaps/c/status",
            new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Status_write_with_a_stale_resource_version_is_409_Conflict()
    {
        var generic = new GenericClient(Client, Widget.Group, Widget.Version, Widget.Plural, disposeClient: false);
        var created = await generic.CreateNamespacedAsync(Widget.Named("w"), "default");
        created.Spec!.Size = 3;
        await generic.ReplaceNamespacedAsync(created, "default", "w");

        created.Status = new WidgetStatus { Phase = "Stale" };
        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            Client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(created, Widget.Group, Widget.Version, "default", Widget.Plural, "w"));
        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
    }
}
