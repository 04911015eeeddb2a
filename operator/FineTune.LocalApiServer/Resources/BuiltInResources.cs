namespace FineTune.LocalApiServer.Resources;

/// <summary>The built-in Kubernetes resources the server serves (what the operator and its tests use).</summary>
public static class BuiltInResources
{
    /// <summary>core/v1 Pod (status subresource; a delete answers with the pod).</summary>
    public static readonly ResourceType Pods = new()
    { Group = "", Version = "v1", Plural = "pods", Kind = "Pod", ShortNames = ["po"], HasStatusSubresource = true, ReturnsObjectOnDelete = true };

    /// <summary>batch/v1 Job (status subresource; delete orphans its pods unless asked otherwise, as in Kubernetes).</summary>
    public static readonly ResourceType Jobs = new()
    { Group = "batch", Version = "v1", Plural = "jobs", Kind = "Job", HasStatusSubresource = true, OrphansDependentsByDefault = true };

    /// <summary>apiextensions.k8s.io/v1 CustomResourceDefinition; creating one serves its resource.</summary>
    public static readonly ResourceType CustomResourceDefinitions = new()
    {
        Group = "apiextensions.k8s.io", Version = "v1", Plural = "customresourcedefinitions",
        Kind = "CustomResourceDefinition", ShortNames = ["crd"], Namespaced = false, HasStatusSubresource = true,
    };

    /// <summary>Every built-in resource.</summary>
    public static IReadOnlyList<ResourceType> All { get; } =
    [
        Pods,
        Jobs,
        CustomResourceDefinitions,
        new() { Group = "", Version = "v1", Plural = "namespaces", Kind = "Namespace", ShortNames = ["ns"], Namespaced = false, HasStatusSubresource = true },
        new() { Group = "", Version = "v1", Plural = "configmaps", Kind = "ConfigMap", ShortNames = ["cm"] },
        new() { Group = "", Version = "v1", Plural = "secrets", Kind = "Secret" },
        new() { Group = "", Version = "v1", Plural = "events", Kind = "Event", ShortNames = ["ev"] },
        new() { Group = "", Version = "v1", Plural = "serviceaccounts", Kind = "ServiceAccount", ShortNames = ["sa"] },
        new() { Group = "", Version = "v1", Plural = "services", Kind = "Service", ShortNames = ["svc"], HasStatusSubresource = true },
        new() { Group = "", Version = "v1", Plural = "persistentvolumeclaims", Kind = "PersistentVolumeClaim", ShortNames = ["pvc"], HasStatusSubresource = true },
        new() { Group = "events.k8s.io", Version = "v1", Plural = "events", Kind = "Event" },
        new() { Group = "coordination.k8s.io", Version = "v1", Plural = "leases", Kind = "Lease" },
        new() { Group = "rbac.authorization.k8s.io", Version = "v1", Plural = "roles", Kind = "Role" },
        new() { Group = "rbac.authorization.k8s.io", Version = "v1", Plural = "rolebindings", Kind = "RoleBinding" },
        new() { Group = "rbac.authorization.k8s.io", Version = "v1", Plural = "clusterroles", Kind = "ClusterRole", Namespaced = false },
        new() { Group = "rbac.authorization.k8s.io", Version = "v1", Plural = "clusterrolebindings", Kind = "ClusterRoleBinding", Namespaced = false },
        new() { Group = "scheduling.k8s.io", Version = "v1", Plural = "priorityclasses", Kind = "PriorityClass", ShortNames = ["pc"], Namespaced = false },
    ];
}
