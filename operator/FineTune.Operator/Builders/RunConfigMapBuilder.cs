using System.Text.Json;
using System.Text.Json.Nodes;
using FineTune.Api.Contract;
using FineTune.Api.V1Alpha1;
using k8s;
using k8s.Models;

namespace FineTune.Operator.Builders;

/// <summary>
/// The ConfigMap a run's pods mount at /etc/finetune: the FineTuneJob manifest (apiVersion, kind, metadata name and
/// namespace, spec) as it was when the run started. It is written as indented JSON, which every YAML parser reads.
/// </summary>
public static class RunConfigMapBuilder
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The ConfigMap for run <paramref name="runId"/> of <paramref name="job"/>.</summary>
    public static V1ConfigMap Build(FineTuneJob job, string runId)
    {
        var manifest = new JsonObject
        {
            ["apiVersion"] = FineTuneJobApi.ApiVersion,
            ["kind"] = FineTuneJobApi.Kind,
            ["metadata"] = new JsonObject
            {
                ["name"] = job.Metadata.Name,
                ["namespace"] = job.Metadata.NamespaceProperty,
            },
            ["spec"] = JsonNode.Parse(KubernetesJson.Serialize(job.Spec)),
        };
        return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = OwnerReferences.ChildMetadata(job, ResourceNames.RunConfigMap(job.Metadata.Name, runId),
                new Dictionary<string, string> { [Labels.Run] = ResourceNames.RunShort(runId) }),
            Data = new Dictionary<string, string> { [TrainerEnvironment.JobFileName] = manifest.ToJsonString(Indented) + "\n" },
        };
    }
}
