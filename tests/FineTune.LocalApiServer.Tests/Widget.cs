using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace FineTune.LocalApiServer.Tests;

/// <summary>The test CRD's custom resource (TestData/widgets.yaml) as a typed object.</summary>
[KubernetesEntity(Group = "test.finetune.dev", ApiVersion = "v1", Kind = "Widget", PluralName = "widgets")]
public sealed class Widget : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "test.finetune.dev";
    public const string Version = "v1";
    public const string Plural = "widgets";

    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "test.finetune.dev/v1";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "Widget";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public WidgetSpec? Spec { get; set; }
    [JsonPropertyName("status")] public WidgetStatus? Status { get; set; }

    public static Widget Named(string name, int? size = 2, string? color = null) =>
        new() { Metadata = new V1ObjectMeta { Name = name }, Spec = new WidgetSpec { Size = size, Color = color } };
}

public sealed class WidgetSpec
{
    [JsonPropertyName("size")] public int? Size { get; set; }
    [JsonPropertyName("color")] public string? Color { get; set; }
}

public sealed class WidgetStatus
{
    [JsonPropertyName("phase")] public string? Phase { get; set; }
}

/// <summary>List of widgets, for GenericClient and watches.</summary>
public sealed class WidgetList : IKubernetesObject<V1ListMeta>, IItems<Widget>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "test.finetune.dev/v1";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "WidgetList";
    [JsonPropertyName("metadata")] public V1ListMeta Metadata { get; set; } = new();
    [JsonPropertyName("items")] public IList<Widget> Items { get; set; } = [];
}
