using FineTune.Api.V1Alpha1;
using k8s.Models;

namespace FineTune.Operator.Builders;

/// <summary>Owner references that make a child garbage-collected with its FineTuneJob.</summary>
public static class OwnerReferences
{
    /// <summary>A controller reference to <paramref name="job"/> that blocks the owner's deletion until the child is gone.</summary>
    public static V1OwnerReference ControllerOf(FineTuneJob job) => new()
    {
        ApiVersion = FineTuneJobApi.ApiVersion,
        Kind = FineTuneJobApi.Kind,
        Name = job.Metadata.Name,
        Uid = job.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    /// <summary>Standard metadata of a child: name, namespace, owner and the labels mapping it back.</summary>
    public static V1ObjectMeta ChildMetadata(FineTuneJob job, string name, IDictionary<string, string>? extraLabels = null)
    {
        var labels = new Dictionary<string, string>
        {
            [Labels.JobName] = job.Metadata.Name,
            [Labels.ManagedBy] = Labels.ManagedByValue,
        };
        if (extraLabels is not null)
            foreach (var (key, value) in extraLabels)
                labels[key] = value;
        return new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = job.Metadata.NamespaceProperty,
            Labels = labels,
            OwnerReferences = [ControllerOf(job)],
        };
    }
}
