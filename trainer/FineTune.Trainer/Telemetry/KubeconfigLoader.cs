using k8s;
using k8s.Exceptions;

namespace FineTune.Trainer.Telemetry;

/// <summary>
/// Client configuration from a kubeconfig file, accepting a user without credentials (a plain-HTTP API server on
/// loopback, as the local cluster writes for its pods), which KubernetesClient alone rejects with a KubeConfigException.
/// </summary>
public static class KubeconfigLoader
{
    /// <summary>The configuration of the current context of the kubeconfig at <paramref name="path"/>.</summary>
    public static KubernetesClientConfiguration Load(string path)
    {
        try
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
        }
        catch (KubeConfigException) when (Anonymous(path) is { } anonymous)
        {
            return anonymous;
        }
    }

    // The current context's server when its user carries nothing at all; null otherwise (the error then stands).
    private static KubernetesClientConfiguration? Anonymous(string path)
    {
        var config = KubernetesClientConfiguration.LoadKubeConfig(path);
        var context = config.Contexts?.FirstOrDefault(c => c.Name == config.CurrentContext)?.ContextDetails;
        var cluster = config.Clusters?.FirstOrDefault(c => c.Name == context?.Cluster)?.ClusterEndpoint;
        var user = config.Users?.FirstOrDefault(u => u.Name == context?.User)?.UserCredentials;
        var empty = user is null || (user.Token is null && user.ClientCertificateData is null && user.ClientCertificate is null
            && user.UserName is null && user.ExternalExecution is null && user.AuthProvider is null);
        return cluster?.Server is { Length: > 0 } server && empty
            ? new KubernetesClientConfiguration { Host = server, Namespace = context?.Namespace }
            : null;
    }
}
