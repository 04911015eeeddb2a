using System.Net;
using System.Text;
using FineTune.Api.V1Alpha1;
using k8s;
using k8s.Autorest;

namespace FineTune.Operator.Finalizers;

/// <summary>Reads the S3 keys named by spec.storage from their Secret through the API server.</summary>
public sealed class StorageCredentialsReader(IKubernetes client)
{
    /// <summary>
    /// The keys of spec.storage.credentialsSecret, or null when the spec names no Secret (the operator's own
    /// identity is used). Throws <see cref="OutputCleanupException"/> naming the Secret and key when one is missing.
    /// </summary>
    public async Task<StorageCredentials?> ReadAsync(FineTuneJob job, CancellationToken cancellationToken)
    {
        var storage = job.Spec.Storage;
        if (storage?.CredentialsSecret is not { Length: > 0 } name)
            return null;
        var ns = job.Metadata.NamespaceProperty;
        k8s.Models.V1Secret secret;
        try
        {
            secret = await client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new OutputCleanupException($"spec.storage.credentialsSecret: Secret {ns}/{name} not found; the outputs cannot be deleted without it");
        }
        catch (HttpOperationException ex)
        {
            throw new OutputCleanupException($"spec.storage.credentialsSecret: reading Secret {ns}/{name} failed with HTTP {(int)ex.Response.StatusCode}");
        }
        string Value(string key)
        {
            // data is what the API returns; stringData is accepted too for servers that keep it as written.
            if (secret.Data?.TryGetValue(key, out var bytes) == true && bytes.Length > 0)
                return Encoding.UTF8.GetString(bytes);
            if (secret.StringData?.TryGetValue(key, out var text) == true && text.Length > 0)
                return text;
            throw new OutputCleanupException($"spec.storage: Secret {ns}/{name} has no key \"{key}\" (keys: {string.Join(", ", Keys(secret))})");
        }
        return new StorageCredentials(Value(storage.AccessKeyKey), Value(storage.SecretKeyKey));
    }

    private static IEnumerable<string> Keys(k8s.Models.V1Secret secret)
        => (secret.Data?.Keys ?? []).Concat(secret.StringData?.Keys ?? []).Distinct().Order(StringComparer.Ordinal) is var keys && keys.Any()
            ? keys : ["none"];
}
