using k8s;
using k8s.Models;

namespace FineTune.LocalApiServer.Resources;

/// <summary>Reads CustomResourceDefinitions from YAML files (one or many documents per file).</summary>
public static class CrdLoader
{
    /// <summary>Every CustomResourceDefinition in the <c>*.yaml</c> / <c>*.yml</c> files of <paramref name="folder"/>.</summary>
    public static IReadOnlyList<V1CustomResourceDefinition> LoadFolder(string folder)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"CRD folder '{folder}' does not exist");
        var files = Directory.EnumerateFiles(folder, "*.yaml").Concat(Directory.EnumerateFiles(folder, "*.yml")).Order();
        return files.SelectMany(LoadFile).ToList();
    }

    /// <summary>Every CustomResourceDefinition in one YAML file; other kinds in the file are an error.</summary>
    public static IReadOnlyList<V1CustomResourceDefinition> LoadFile(string path)
    {
        List<object> documents;
        try
        {
            documents = KubernetesYaml.LoadAllFromString(File.ReadAllText(path));
        }
        catch (Exception e) when (e is not IOException)
        {
            throw new InvalidDataException($"{path}: not a valid Kubernetes YAML manifest: {e.Message}", e);
        }
        return documents.Select(d => d as V1CustomResourceDefinition
            ?? throw new InvalidDataException(
                $"{path}: expected only apiextensions.k8s.io/v1 CustomResourceDefinition documents, found {d.GetType().Name}"))
            .ToList();
    }
}
