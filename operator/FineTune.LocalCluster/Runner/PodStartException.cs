namespace FineTune.LocalCluster.Runner;

/// <summary>The pod's program could not be executed (not found, not executable): the kubelet's StartError.</summary>
public sealed class PodStartException(string message) : Exception(message);
