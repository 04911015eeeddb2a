using System.Text;
using FineTune.LocalApiServer.Storage;
using k8s.Models;

namespace FineTune.LocalCluster.Runner;

/// <summary>
/// Gives a pod's volume mounts local stand-ins inside the pod directory: a ConfigMap or Secret volume becomes a
/// directory of files written from the object's data (its <c>items</c> respected), an emptyDir an empty directory, a
/// hostPath the host path itself. A mount without subPath lives at <c>&lt;pod dir&gt;/&lt;mount path&gt;</c>, so
/// <c>/etc/finetune/job.yaml</c> is <c>&lt;pod dir&gt;/etc/finetune/job.yaml</c>.
/// </summary>
public sealed class VolumeMaterializer(ObjectAccess objects)
{
    /// <summary>
    /// Materializes every mount of <paramref name="container"/> and returns the path map. Throws
    /// <see cref="PodConfigurationException"/> when a referenced object is missing and
    /// <see cref="PodSpecNotSupportedException"/> for a volume type a local process cannot have.
    /// </summary>
    public MountPathMap Materialize(V1Pod pod, V1Container container, string podDirectory)
    {
        var map = new MountPathMap();
        var volumes = pod.Spec.Volumes ?? [];
        var materialized = new Dictionary<string, string>();
        foreach (var mount in container.VolumeMounts ?? [])
        {
            var volume = volumes.FirstOrDefault(v => v.Name == mount.Name)
                ?? throw new PodSpecNotSupportedException(
                    $"spec.containers[{container.Name}].volumeMounts[{mount.Name}]: no volume named '{mount.Name}' in spec.volumes");
            if (!materialized.TryGetValue(volume.Name, out var local))
            {
                local = volume.HostPath is { } host
                    ? host.Path
                    : Path.Combine(podDirectory, string.IsNullOrEmpty(mount.SubPath)
                        ? mount.MountPath.TrimStart('/')
                        : Path.Combine("volumes", volume.Name));
                if (volume.HostPath is null) Fill(pod, volume, local);
                materialized[volume.Name] = local;
            }
            map.Add(mount.MountPath, string.IsNullOrEmpty(mount.SubPath) ? local : Path.Combine(local, mount.SubPath));
        }
        return map;
    }

    private void Fill(V1Pod pod, V1Volume volume, string directory)
    {
        var ns = pod.Metadata.NamespaceProperty;
        if (volume.EmptyDir is not null)
        {
            Directory.CreateDirectory(directory);
        }
        else if (volume.ConfigMap is { } source)
        {
            var configMap = objects.Get<V1ConfigMap>(ns, source.Name);
            if (configMap is null)
            {
                if (source.Optional == true) { Directory.CreateDirectory(directory); return; }
                throw new PodConfigurationException("ContainerCreating",
                    $"volume '{volume.Name}': configmap \"{source.Name}\" not found in namespace {ns}");
            }
            var data = new Dictionary<string, byte[]>();
            foreach (var (key, value) in configMap.Data ?? new Dictionary<string, string>()) data[key] = Encoding.UTF8.GetBytes(value);
            foreach (var (key, value) in configMap.BinaryData ?? new Dictionary<string, byte[]>()) data[key] = value;
            WriteFiles(directory, data, source.Items, $"volume '{volume.Name}' (configmap {source.Name})", source.Optional == true);
        }
        else if (volume.Secret is { } secretSource)
        {
            var secret = objects.Get<V1Secret>(ns, secretSource.SecretName);
            if (secret is null)
            {
                if (secretSource.Optional == true) { Directory.CreateDirectory(directory); return; }
                throw new PodConfigurationException("ContainerCreating",
                    $"volume '{volume.Name}': secret \"{secretSource.SecretName}\" not found in namespace {ns}");
            }
            WriteFiles(directory, SecretData(secret), secretSource.Items, $"volume '{volume.Name}' (secret {secretSource.SecretName})",
                secretSource.Optional == true);
        }
        else
        {
            throw new PodSpecNotSupportedException(
                $"spec.volumes[{volume.Name}]: the local runner supports configMap, secret, emptyDir and hostPath volumes only");
        }
    }

    /// <summary>A Secret's values: data, with stringData (written by clients, merged by the API server) on top.</summary>
    public static Dictionary<string, byte[]> SecretData(V1Secret secret)
    {
        var data = new Dictionary<string, byte[]>(secret.Data ?? new Dictionary<string, byte[]>());
        foreach (var (key, value) in secret.StringData ?? new Dictionary<string, string>()) data[key] = Encoding.UTF8.GetBytes(value);
        return data;
    }

    private static void WriteFiles(string directory, Dictionary<string, byte[]> data, IList<V1KeyToPath>? items, string what, bool optional)
    {
        Directory.CreateDirectory(directory);
        var files = items is { Count: > 0 }
            ? items.Select(i => (i.Key, i.Path))
            : data.Keys.Select(k => (Key: k, Path: k));
        foreach (var (key, relative) in files)
        {
            if (!data.TryGetValue(key, out var bytes))
            {
                if (optional) continue;
                throw new PodConfigurationException("ContainerCreating", $"{what}: no key '{key}'");
            }
            if (Path.IsPathRooted(relative) || relative.Split('/').Contains(".."))
                throw new PodSpecNotSupportedException($"{what}: item path '{relative}' must be relative and must not contain '..'");
            var file = Path.Combine(directory, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, bytes);
        }
    }
}
