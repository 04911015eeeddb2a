using FineTune.Api.Schema;
using FineTune.Api.Tests.Support;

namespace FineTune.Api.Tests.Schema;

public sealed class CrdDriftTests
{
    [Fact]
    public void Committed_crd_equals_the_generator_output()
    {
        var path = RepositoryFiles.PathOf("crds", FineTuneJobCrd.FileName);
        Assert.True(File.Exists(path), $"{path} is missing: run `make manifests`");

        var committed = File.ReadAllText(path);

        Assert.True(committed == FineTuneJobCrd.ToYaml(),
            $"{path} differs from what the C# API types generate: run `make manifests` and commit the result");
    }
}
