using FineTune.Api.Manifests;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Jobs;
using FineTune.Trainer.Tests.Data;

namespace FineTune.Trainer.Tests.Jobs;

public sealed class JobPlannerTests
{
    private static FineTuneJob Load(string yaml)
    {
        var result = ManifestLoader.LoadText(yaml, "job.yaml");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Jobs[0];
    }

    private static string Manifest(string method, string extra = "") => $"""
        apiVersion: finetune.dev/v1alpha1
        kind: FineTuneJob
        metadata: {"{"}name: demo{"}"}
        spec:
          method: {method}
          model: {"{"}uri: models/tiny{"}"}
          dataset: {"{"}uri: file://DATA/train.jsonl, format: instruction, validationUri: data/val.jsonl{"}"}
          output: {"{"}uri: runs{"}"}
        {extra}
        """;

    [Fact]
    public void Relative_paths_resolve_against_the_manifest_folder_and_file_uris_to_their_path()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "models", "tiny"));
        Directory.CreateDirectory(Path.Combine(dir.Path, "data"));
        dir.File("data/train.jsonl", "{}");
        dir.File("data/val.jsonl", "{}");
        var job = Load(Manifest("full").Replace("DATA", Path.Combine(dir.Path, "data")));
        var resolver = new LocalUriResolver(dir.Path);

        var plan = JobPlanner.Plan(job, null, "run-1", resolver, uri => resolver.ToPath(uri, "spec.output.uri"));

        Assert.Equal("train", plan.Stage);
        Assert.Equal(Path.Combine(dir.Path, "models", "tiny"), plan.ModelDirectory);
        Assert.Equal(plan.ModelDirectory, plan.TokenizerDirectory);
        Assert.Equal(Path.Combine(dir.Path, "data", "train.jsonl"), plan.TrainFile);
        Assert.Equal(Path.Combine(dir.Path, "data", "val.jsonl"), plan.ValidationFile);
        Assert.Equal(Path.Combine(dir.Path, "runs", "run-1", "train"), plan.RunDirectory);
        Assert.Equal(Path.Combine(dir.Path, "runs", "run-1", "train", "checkpoints"), plan.CheckpointsDirectory);
        Assert.Equal(Path.Combine(dir.Path, "runs", "run-1", "train", "merged"), plan.OutputDirectory(SaveMode.Merged));
    }

    [Fact]
    public void A_missing_model_directory_is_an_error_naming_the_field()
    {
        using var dir = new TempDirectory();
        var job = Load(Manifest("full"));
        var resolver = new LocalUriResolver(dir.Path);
        var error = Assert.Throws<JobInputException>(() => JobPlanner.Plan(job, null, "r", resolver, u => u));
        Assert.StartsWith("spec.model.uri: 'models/tiny' is not a directory", error.Message);
    }

    [Fact]
    public void An_s3_uri_without_the_storage_component_is_a_clear_error()
    {
        var error = Assert.Throws<JobInputException>(() => new LocalUriResolver("/").Directory("s3://models/gpt2/", "spec.model.uri"));
        Assert.Contains("spec.model.uri: 's3://models/gpt2/' is an s3:// URI", error.Message);
    }

    [Fact]
    public void An_unknown_stage_and_an_unimplemented_method_are_refused()
    {
        using var dir = new TempDirectory();
        var resolver = new LocalUriResolver(dir.Path);
        var stage = Assert.Throws<JobInputException>(() => JobPlanner.Plan(Load(Manifest("full")), "ppo", "r", resolver, u => u));
        Assert.Contains("--stage: 'ppo' is not a stage of method full", stage.Message);

        var lora = Load(Manifest("lora", "  lora: {rank: 4, alpha: 8}"));
        if (!FineTune.Trainer.Methods.MethodRegistry.IsSupported(FineTuneMethod.Lora))
        {
            var method = Assert.Throws<JobInputException>(() => JobPlanner.Plan(lora, null, "r", resolver, u => u));
            Assert.Contains("spec.method: 'lora' is not implemented by this trainer; supported: frozen, full", method.Message);
        }
    }

    [Theory]
    [InlineData("given", "env", "given")]
    [InlineData(null, "env-7", "env-7")]
    public void Run_id_comes_from_the_option_then_the_environment(string? given, string? environment, string expected) =>
        Assert.Equal(expected, RunIds.Resolve(given, environment, DateTimeOffset.UnixEpoch));

    [Fact]
    public void Run_id_defaults_to_the_time_and_rejects_path_separators()
    {
        Assert.Equal("run-19700101t000000", RunIds.Resolve(null, null, DateTimeOffset.UnixEpoch));
        Assert.Throws<JobInputException>(() => RunIds.Resolve("../x", null, DateTimeOffset.UnixEpoch));
    }
}
