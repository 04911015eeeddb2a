using System.Net;
using FineTune.LocalApiServer.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace FineTune.LocalApiServer.Tests.Testing;

public sealed class FaultInjectionTests : ServerFixture
{
    private static V1Job Job(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1JobSpec { Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "i" }] } } },
    };

    [Fact]
    public async Task Injected_403_on_job_create_fails_only_that_many_requests()
    {
        Server.Faults.FailNext("create", "jobs", 403, times: 2, message: "jobs.batch is forbidden: test");
        for (var i = 0; i < 2; i++)
        {
            var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.BatchV1.CreateNamespacedJobAsync(Job("j"), "default"));
            Assert.Equal(HttpStatusCode.Forbidden, error.Response.StatusCode);
            Assert.Equal("Forbidden", KubernetesJson.Deserialize<V1Status>(error.Response.Content).Reason);
        }
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "other" } }, "default");
        await Client.BatchV1.CreateNamespacedJobAsync(Job("j"), "default");
        Assert.Equal(3, Server.Requests.Count("create", "jobs"));
        Assert.Equal(0, Server.Faults.Pending);
    }

    [Fact]
    public async Task Status_subresource_faults_leave_main_resource_writes_alone()
    {
        var job = await Client.BatchV1.CreateNamespacedJobAsync(Job("j"), "default");
        Server.Faults.FailNext("update", "jobs/status", 500);
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.BatchV1.ReplaceNamespacedJobStatusAsync(job, "j", "default"));
        Assert.Equal(HttpStatusCode.InternalServerError, error.Response.StatusCode);
        await Client.BatchV1.ReplaceNamespacedJobAsync(job, "j", "default");
        Assert.Equal(1, Server.Requests.Count("update", "jobs/status"));
        Assert.Equal(1, Server.Requests.Count("update", "jobs"));
    }

    [Fact]
    public async Task Aborted_connection_surfaces_as_a_transport_error()
    {
        Server.Faults.Add(new FaultRule { Verb = "get", Resource = "configmaps", AbortConnection = true });
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => Client.CoreV1.ReadNamespacedConfigMapAsync("x", "default"));
    }

    [Fact]
    public async Task Stopped_listener_refuses_connections_and_restarts_on_the_same_port_with_the_objects()
    {
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "kept" } }, "default");
        var port = Server.Port;
        var rv = (await Client.CoreV1.ListNamespacedConfigMapAsync("default")).Metadata.ResourceVersion;
        await using var watch = new WatchRecorder<V1ConfigMap, V1ConfigMapList>(t =>
            Client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync("default", resourceVersion: rv, watch: true, allowWatchBookmarks: true, cancellationToken: t));
        Server.Objects.Create(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "seen", NamespaceProperty = "default" } });
        Assert.Equal("seen", (await watch.NextChangeAsync(Patience)).Object.Metadata.Name);

        await Server.StopListenerAsync();
        await watch.Ended.WaitAsync(Patience);
        var refused = await Assert.ThrowsAnyAsync<HttpRequestException>(() => Client.CoreV1.ReadNamespacedConfigMapAsync("kept", "default"));
        Assert.NotNull(refused);

        await Server.StartListenerAsync();
        Assert.Equal(port, Server.Port);
        Assert.Equal("kept", (await Client.CoreV1.ReadNamespacedConfigMapAsync("kept", "default")).Metadata.Name);
    }

    [Fact]
    public async Task Delay_fault_holds_the_request_before_answering()
    {
        Server.Faults.Add(new FaultRule { Verb = "list", Resource = "pods", Delay = TimeSpan.FromMilliseconds(300) });
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await Client.CoreV1.ListNamespacedPodAsync("default");
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(290));
    }
}
