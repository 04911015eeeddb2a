using FineTune.Api.V1Alpha1;
using FineTune.LocalCluster.Cluster;

namespace FineTune.LocalCluster.Tests.Cluster;

public sealed class LocalPathsTests
{
    [Theory]
    [InlineData(".demo/model", "/repo/.demo/model")]
    [InlineData("runs/quickstart/", "/repo/runs/quickstart/")]
    [InlineData("../shared/data.jsonl", "/shared/data.jsonl")]
    [InlineData("/abs/model", "/abs/model")]
    [InlineData("s3://models/gpt2/", "s3://models/gpt2/")]
    [InlineData("file:///data/x.jsonl", "file:///data/x.jsonl")]
    public void Relative_paths_resolve_against_the_cluster_working_directory_and_uris_stay(string uri, string expected) =>
        Assert.Equal(expected, LocalPaths.Resolve(uri, "/repo"));

    [Fact]
    public void Every_path_of_a_job_is_made_absolute()
    {
        var spec = new FineTuneJobSpec
        {
            Method = FineTuneMethod.Rlhf,
            Model = new ModelSpec { Uri = "model", TokenizerUri = "tok" },
            Output = new OutputSpec { Uri = "out/" },
            Rlhf = new RlhfOptions
            {
                RewardModelUri = "reward",
                Stages = [new RlhfStage { Name = RlhfStageName.Sft, Dataset = new DatasetSpec { Uri = "sft.jsonl", ValidationUri = "sft-val.jsonl" } }],
            },
        };

        LocalPaths.MakeAbsolute(spec, "/w");

        Assert.Equal("/w/model /w/tok /w/out/ /w/reward /w/sft.jsonl /w/sft-val.jsonl", string.Join(' ',
            spec.Model.Uri, spec.Model.TokenizerUri, spec.Output.Uri, spec.Rlhf.RewardModelUri, spec.Rlhf.Stages[0].Dataset.Uri, spec.Rlhf.Stages[0].Dataset.ValidationUri));
    }
}
