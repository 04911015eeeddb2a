using System.Text.Json.Nodes;
using FineTune.Api.Manifests;
using FineTune.Api.Tests.Support;
using FineTune.Api.Validation;
using FineTune.Api.V1Alpha1;

namespace FineTune.Api.Tests.Validation;

public sealed class ExampleManifestTests
{
    public static TheoryData<string> Examples() =>
        new(Directory.GetFiles(RepositoryFiles.PathOf("examples"), "*.yaml").Select(Path.GetFileName).OfType<string>().Order());

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_is_valid(string file)
    {
        var result = ManifestLoader.LoadFile(RepositoryFiles.PathOf("examples", file));

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_is_accepted_by_the_crd_schema_read_by_an_independent_validator(string file)
    {
        var job = Assert.Single(ManifestLoader.LoadFile(RepositoryFiles.PathOf("examples", file)).Jobs);

        Assert.Empty(KubernetesSchemaOracle.Errors(FineTuneJson.ToNode(job)));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_survives_a_round_trip_through_the_csharp_types(string file)
    {
        var job = Assert.Single(ManifestLoader.LoadFile(RepositoryFiles.PathOf("examples", file)).Jobs);
        var node = FineTuneJson.ToNode(job);

        var again = FineTuneJson.ToNode(FineTuneJson.FromNode(node));

        Assert.True(JsonNode.DeepEquals(node, again));
        Assert.Empty(FineTuneJobValidator.Validate(again));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_explains_itself_in_a_leading_comment(string file)
    {
        var firstLine = File.ReadLines(RepositoryFiles.PathOf("examples", file)).First();

        Assert.StartsWith("# ", firstLine);
    }

    [Fact]
    public void Every_method_has_an_example_and_so_do_the_pipelines_kueue_and_the_quickstart()
    {
        var jobs = Directory.GetFiles(RepositoryFiles.PathOf("examples"), "*.yaml")
            .SelectMany(f => ManifestLoader.LoadFile(f).Jobs).ToList();

        Assert.Equal(Enum.GetValues<FineTuneMethod>().ToHashSet(), jobs.Select(j => j.Spec.Method).ToHashSet());
        Assert.Equal(Enum.GetValues<PrefixVariant>().ToHashSet(), jobs.Where(j => j.Spec.Prefix is not null).Select(j => j.Spec.Prefix!.Variant).ToHashSet());
        Assert.Contains(jobs, j => j.Spec.Rlhf?.Stages.Select(s => s.Name).SequenceEqual([RlhfStageName.Sft, RlhfStageName.Reward, RlhfStageName.Ppo]) == true);
        Assert.Contains(jobs, j => j.Spec.Rlhf?.Stages.Any(s => s.Name == RlhfStageName.Dpo) == true);
        Assert.Contains(jobs, j => j.Spec.Scheduling.Kueue);
        Assert.True(File.Exists(RepositoryFiles.PathOf("examples", "quickstart.yaml")));
    }
}
