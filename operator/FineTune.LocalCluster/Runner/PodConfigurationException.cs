namespace FineTune.LocalCluster.Runner;

/// <summary>
/// A pod cannot start yet because something it refers to is missing (a Secret, a ConfigMap, a key in one), as the
/// kubelet's CreateContainerConfigError: the pod stays Pending with this reason and is tried again.
/// </summary>
public sealed class PodConfigurationException(string reason, string message) : Exception(message)
{
    /// <summary>The waiting reason shown on the container status (CreateContainerConfigError, ContainerCreating).</summary>
    public string Reason { get; } = reason;
}
