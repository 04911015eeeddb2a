using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace FineTune.Api.V1Alpha1;

/// <summary>
/// A fine-tuning run of a language model: a method, a base model, a dataset, hyperparameters and resources.
/// The operator turns it into one training Job per stage; the trainer runs the same manifest on one machine.
/// </summary>
[KubernetesEntity(Group = FineTuneJobApi.Group, ApiVersion = FineTuneJobApi.Version, Kind = FineTuneJobApi.Kind, PluralName = FineTuneJobApi.Plural)]
public sealed class FineTuneJob : IKubernetesObject<V1ObjectMeta>, ISpec<FineTuneJobSpec>, IStatus<FineTuneJobStatus?>
{
    /// <summary>Always <c>finetune.dev/v1alpha1</c>.</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = FineTuneJobApi.ApiVersion;

    /// <summary>Always <c>FineTuneJob</c>.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = FineTuneJobApi.Kind;

    /// <summary>Standard object metadata.</summary>
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>What to train and how.</summary>
    [JsonPropertyName("spec")]
    public required FineTuneJobSpec Spec { get; set; }

    /// <summary>What the operator observed; written only through the status subresource.</summary>
    [JsonPropertyName("status")]
    public FineTuneJobStatus? Status { get; set; }
}
