using System.Text.Json.Serialization;
using FineTune.Api.V1Alpha1;
using k8s;
using k8s.Models;

namespace FineTune.Operator.Runtime;

/// <summary>The list form of FineTuneJob returned by list calls.</summary>
public sealed class FineTuneJobList : IKubernetesObject<V1ListMeta>, IItems<FineTuneJob>
{
    /// <summary>finetune.dev/v1alpha1.</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = FineTuneJobApi.ApiVersion;

    /// <summary>FineTuneJobList.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = FineTuneJobApi.Kind + "List";

    /// <summary>List metadata with the collection's resourceVersion.</summary>
    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    /// <summary>The jobs.</summary>
    [JsonPropertyName("items")]
    public IList<FineTuneJob> Items { get; set; } = [];
}
