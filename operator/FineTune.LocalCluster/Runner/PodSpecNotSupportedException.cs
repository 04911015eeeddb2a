namespace FineTune.LocalCluster.Runner;

/// <summary>
/// The pod asks for something a local process cannot do (a volume type, a container without a command); the pod
/// fails with this message, naming the field and what the local runner accepts.
/// </summary>
public sealed class PodSpecNotSupportedException(string message) : Exception(message);
