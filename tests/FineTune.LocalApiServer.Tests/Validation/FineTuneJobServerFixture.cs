using System.Text.Json.Nodes;
using k8s;

namespace FineTune.LocalApiServer.Tests.Validation;

/// <summary>A server that also serves the repository's FineTuneJob CRD (crds/), for tests of custom-resource admission.</summary>
public abstract class FineTuneJobServerFixture : ServerFixture
{
    /// <summary>A file of the repository, found by walking up from the test output to the folder holding crds/ and examples/.</summary>
    protected static string RepositoryFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "crds")) && Directory.Exists(Path.Combine(dir.FullName, "examples")))
                return Path.Combine([dir.FullName, .. parts]);
        throw new DirectoryNotFoundException("repository root (with crds/ and examples/) not found above the test output");
    }

    /// <summary>examples/<paramref name="name"/> as a JSON object.</summary>
    protected static JsonObject Example(string name) =>
        JsonNode.Parse(KubernetesJson.Serialize(KubernetesYaml.Deserialize<object>(File.ReadAllText(RepositoryFile("examples", name)))))!.AsObject();

    /// <inheritdoc />
    protected override LocalApiServerOptions Options => base.Options with
    {
        CrdPaths = [.. base.Options.CrdPaths, RepositoryFile("crds")],
    };
}
