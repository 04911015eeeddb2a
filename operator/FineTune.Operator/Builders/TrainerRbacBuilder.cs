using FineTune.Api.V1Alpha1;
using k8s.Models;

namespace FineTune.Operator.Builders;

/// <summary>
/// The identity of a job's trainer pods: a ServiceAccount, a Role allowing get/patch on the status of this one
/// FineTuneJob only (resourceNames), and the RoleBinding between them; all owned by the FineTuneJob.
/// </summary>
public static class TrainerRbacBuilder
{
    /// <summary>The ServiceAccount the training pods run as.</summary>
    public static V1ServiceAccount ServiceAccount(FineTuneJob job) => new()
    {
        ApiVersion = "v1",
        Kind = "ServiceAccount",
        Metadata = OwnerReferences.ChildMetadata(job, ResourceNames.TrainerIdentity(job.Metadata.Name)),
    };

    /// <summary>get/patch on finetunejobs/status of this job only, so a trainer can publish progress and checkpoints.</summary>
    public static V1Role Role(FineTuneJob job) => new()
    {
        ApiVersion = "rbac.authorization.k8s.io/v1",
        Kind = "Role",
        Metadata = OwnerReferences.ChildMetadata(job, ResourceNames.TrainerIdentity(job.Metadata.Name)),
        Rules =
        [
            new V1PolicyRule
            {
                ApiGroups = [FineTuneJobApi.Group],
                Resources = [FineTuneJobApi.Plural + "/status"],
                ResourceNames = [job.Metadata.Name],
                Verbs = ["get", "patch"],
            },
            new V1PolicyRule
            {
                ApiGroups = [FineTuneJobApi.Group],
                Resources = [FineTuneJobApi.Plural],
                ResourceNames = [job.Metadata.Name],
                Verbs = ["get"],
            },
        ],
    };

    /// <summary>Binds <see cref="Role"/> to <see cref="ServiceAccount"/>.</summary>
    public static V1RoleBinding RoleBinding(FineTuneJob job)
    {
        var name = ResourceNames.TrainerIdentity(job.Metadata.Name);
        return new V1RoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1",
            Kind = "RoleBinding",
            Metadata = OwnerReferences.ChildMetadata(job, name),
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = name },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = name, NamespaceProperty = job.Metadata.NamespaceProperty }],
        };
    }
}
