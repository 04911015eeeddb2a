using FineTune.Api.Contract;
using FineTune.Api.Manifests;
using FineTune.Operator.Builders;
using FineTune.Operator.Tests.Support;

namespace FineTune.Operator.Tests.Builders;

public class RunConfigMapBuilderTests
{
    [Fact]
    public void Config_map_holds_a_manifest_the_trainer_can_load()
    {
        var job = TestJobs.Rlhf();
        var map = RunConfigMapBuilder.Build(job, "20261128t100000-g1");
        var text = map.Data[TrainerEnvironment.JobFileName];
        Assert.Equal(ResourceNames.RunConfigMap(job.Metadata.Name, "20261128t100000-g1"), map.Metadata.Name);
        Assert.Contains("\"method\": \"rlhf\"", text);
        Assert.DoesNotContain("\"status\"", text);
        Assert.Single(map.Metadata.OwnerReferences);
        var loaded = ManifestLoader.LoadText(text, "job.yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        var spec = Assert.Single(loaded.Jobs).Spec;
        Assert.Equal(3, spec.Rlhf!.Stages.Count);
        Assert.Equal(SpecHasher.Hash(job.Spec), SpecHasher.Hash(spec));
    }
}
