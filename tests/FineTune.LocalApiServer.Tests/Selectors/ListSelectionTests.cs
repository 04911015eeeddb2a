using k8s;
using k8s.Autorest;
using k8s.Models;
using System.Net;

namespace FineTune.LocalApiServer.Tests.Selectors;

public sealed class ListSelectionTests : ServerFixture
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var (ns, name, labels) in new[]
        {
            ("a", "p1", new Dictionary<string, string> { ["app"] = "trainer", ["tier"] = "gpu" }),
            ("a", "p2", new Dictionary<string, string> { ["app"] = "trainer", ["tier"] = "cpu" }),
            ("a", "p3", new Dictionary<string, string> { ["app"] = "web" }),
            ("b", "p4", new Dictionary<string, string> { ["app"] = "trainer" }),
        })
            await Client.CoreV1.CreateNamespacedPodAsync(new V1Pod { Metadata = new V1ObjectMeta { Name = name, Labels = labels } }, ns);
    }

    private async Task<string[]> NamesAsync(string? ns, string? labels = null, string? fields = null)
    {
        var list = ns is null
            ? await Client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: labels, fieldSelector: fields)
            : await Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: labels, fieldSelector: fields);
        return list.Items.Select(p => p.Metadata.Name).Order().ToArray();
    }

    [Theory]
    [InlineData("app=trainer", new[] { "p1", "p2" })]
    [InlineData("app==trainer,tier=gpu", new[] { "p1" })]
    [InlineData("app!=trainer", new[] { "p3" })]
    [InlineData("tier in (gpu, cpu)", new[] { "p1", "p2" })]
    [InlineData("tier notin (gpu)", new[] { "p2", "p3" })]
    [InlineData("tier", new[] { "p1", "p2" })]
    [InlineData("!tier", new[] { "p3" })]
    public async Task Label_selectors_filter_the_namespace(string selector, string[] expected) =>
        Assert.Equal(expected, await NamesAsync("a", selector));

    [Fact]
    public async Task All_namespaces_list_spans_namespaces_and_field_selectors_pick_name_and_namespace()
    {
        Assert.Equal(["p1", "p2", "p4"], await NamesAsync(null, "app=trainer"));
        Assert.Equal(["p4"], await NamesAsync(null, fields: "metadata.namespace=b"));
        Assert.Equal(["p2"], await NamesAsync("a", fields: "metadata.name=p2"));
        Assert.Equal(["p1", "p3"], await NamesAsync("a", fields: "metadata.name!=p2"));
    }

    [Fact]
    public async Task List_carries_the_current_resource_version()
    {
        var last = await Client.CoreV1.CreateNamespacedPodAsync(new V1Pod { Metadata = new V1ObjectMeta { Name = "p5" } }, "a");
        var list = await Client.CoreV1.ListNamespacedPodAsync("b");
        Assert.Equal(last.Metadata.ResourceVersion, list.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Limit_and_continue_page_through_every_item_once()
    {
        var first = await Client.CoreV1.ListPodForAllNamespacesAsync(limit: 3);
        Assert.Equal(3, first.Items.Count);
        Assert.Equal(1, first.Metadata.RemainingItemCount);
        var second = await Client.CoreV1.ListPodForAllNamespacesAsync(limit: 3, continueParameter: first.Metadata.ContinueProperty);
        Assert.Equal(["p1", "p2", "p3", "p4"], first.Items.Concat(second.Items).Select(p => p.Metadata.Name).ToArray());
        Assert.Null(second.Metadata.ContinueProperty);
    }

    [Fact]
    public async Task A_malformed_label_selector_is_400_naming_it()
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.ListNamespacedPodAsync("a", labelSelector: "tier in (gpu"));
        Assert.Equal(HttpStatusCode.BadRequest, error.Response.StatusCode);
        Assert.Contains("tier in (gpu", error.Response.Content);
    }
}
