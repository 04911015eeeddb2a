using System.Text;
using FineTune.LocalApiServer.Storage;
using k8s.Models;

namespace FineTune.LocalCluster.Runner;

/// <summary>
/// Computes a container's environment as the kubelet does: envFrom first, then env in order, with values from
/// Secrets (secretKeyRef), ConfigMaps (configMapKeyRef) and the pod itself (fieldRef), and <c>$(NAME)</c> references
/// to variables defined earlier expanded (<c>$$</c> is a literal <c>$</c>).
/// </summary>
public sealed class EnvironmentResolver(ObjectAccess objects)
{
    /// <summary>
    /// The variables of <paramref name="container"/>, in definition order (a later definition replaces an earlier
    /// one). Throws <see cref="PodConfigurationException"/> for a missing Secret, ConfigMap or key that is not optional.
    /// </summary>
    public Dictionary<string, string> Resolve(V1Pod pod, V1Container container)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in container.EnvFrom ?? [])
        {
            IEnumerable<KeyValuePair<string, string>> values = [];
            if (source.ConfigMapRef is { } cmRef)
            {
                var cm = objects.Get<V1ConfigMap>(ns, cmRef.Name);
                if (cm is null && cmRef.Optional != true)
                    throw new PodConfigurationException("CreateContainerConfigError", $"configmap \"{cmRef.Name}\" not found");
                values = cm?.Data ?? new Dictionary<string, string>();
            }
            else if (source.SecretRef is { } secretRef)
            {
                var secret = objects.Get<V1Secret>(ns, secretRef.Name);
                if (secret is null && secretRef.Optional != true)
                    throw new PodConfigurationException("CreateContainerConfigError", $"secret \"{secretRef.Name}\" not found");
                values = secret is null ? [] : VolumeMaterializer.SecretData(secret)
                    .Select(p => KeyValuePair.Create(p.Key, Encoding.UTF8.GetString(p.Value)));
            }
            foreach (var (key, value) in values) env[(source.Prefix ?? "") + key] = value;
        }
        foreach (var variable in container.Env ?? [])
        {
            var value = variable.ValueFrom is { } from ? ValueFrom(pod, variable.Name, from) : Expand(variable.Value ?? "", env);
            if (value is not null) env[variable.Name] = value;
        }
        return env;
    }

    private string? ValueFrom(V1Pod pod, string name, V1EnvVarSource from)
    {
        var ns = pod.Metadata.NamespaceProperty;
        if (from.SecretKeyRef is { } secretKey)
        {
            var secret = objects.Get<V1Secret>(ns, secretKey.Name);
            if (secret is not null && VolumeMaterializer.SecretData(secret).TryGetValue(secretKey.Key, out var bytes))
                return Encoding.UTF8.GetString(bytes);
            if (secretKey.Optional == true) return null;
            throw new PodConfigurationException("CreateContainerConfigError", secret is null
                ? $"env {name}: secret \"{secretKey.Name}\" not found"
                : $"env {name}: couldn't find key {secretKey.Key} in Secret {ns}/{secretKey.Name}");
        }
        if (from.ConfigMapKeyRef is { } configKey)
        {
            var cm = objects.Get<V1ConfigMap>(ns, configKey.Name);
            if (cm?.Data?.TryGetValue(configKey.Key, out var text) == true) return text;
            if (configKey.Optional == true) return null;
            throw new PodConfigurationException("CreateContainerConfigError", cm is null
                ? $"env {name}: configmap \"{configKey.Name}\" not found"
                : $"env {name}: couldn't find key {configKey.Key} in ConfigMap {ns}/{configKey.Name}");
        }
        if (from.FieldRef is { } field)
        {
            return field.FieldPath switch
            {
                "metadata.name" => pod.Metadata.Name,
                "metadata.namespace" => ns,
                "metadata.uid" => pod.Metadata.Uid,
                "spec.nodeName" => Environment.MachineName,
                "spec.serviceAccountName" => pod.Spec.ServiceAccountName ?? "default",
                "status.podIP" or "status.hostIP" => "127.0.0.1",
                _ => throw new PodSpecNotSupportedException(
                    $"env {name}: fieldRef.fieldPath '{field.FieldPath}' is not supported by the local runner " +
                    "(metadata.name, metadata.namespace, metadata.uid, spec.nodeName, spec.serviceAccountName, status.podIP, status.hostIP are)"),
            };
        }
        throw new PodSpecNotSupportedException(
            $"env {name}: valueFrom must be secretKeyRef, configMapKeyRef or fieldRef in the local runner");
    }

    /// <summary>Expands <c>$(NAME)</c> from <paramref name="defined"/>; unknown references stay as written, <c>$$</c> is <c>$</c>.</summary>
    public static string Expand(string text, IReadOnlyDictionary<string, string> defined)
    {
        if (!text.Contains('$')) return text;
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '$' || i + 1 >= text.Length) { result.Append(text[i]); continue; }
            if (text[i + 1] == '$') { result.Append('$'); i++; continue; }
            if (text[i + 1] == '(' && text.IndexOf(')', i + 2) is var close and > 0)
            {
                var name = text[(i + 2)..close];
                if (defined.TryGetValue(name, out var value)) { result.Append(value); i = close; continue; }
                result.Append(text, i, close - i + 1);
                i = close;
                continue;
            }
            result.Append('$');
        }
        return result.ToString();
    }
}
