using FineTune.Trainer.Jobs;

namespace FineTune.Trainer.Tests.Methods.Rlhf;

public sealed class RlhfStagePlannerTests
{
    [Fact]
    public void A_stage_that_is_not_in_the_spec_is_an_error_listing_the_stages()
    {
        using var job = new RlhfJobFixture("sft, dpo");
        var error = Assert.Throws<JobInputException>(() => job.Plan("ppo"));
        Assert.Equal("--stage: 'ppo' is not a stage of this job; its stages are: sft, dpo.", error.Message);
        Assert.Contains("name one of this job's stages: sft, dpo", Assert.Throws<JobInputException>(() => job.Plan(null)).Message);
    }

    [Fact]
    public void A_ppo_stage_without_a_reward_model_is_an_error_saying_where_one_comes_from()
    {
        using var job = new RlhfJobFixture();
        var sft = job.RunPath("sft");
        Directory.CreateDirectory(Path.Combine(sft, "merged"));
        var error = Assert.Throws<JobInputException>(() => job.Plan("ppo", "1", $$"""{"sft": "{{sft}}"}"""));
        Assert.Contains("stage ppo: no reward model", error.Message);
        Assert.Contains("spec.rlhf.rewardModelUri", error.Message);
    }

    [Fact]
    public void A_ppo_stage_uses_the_reward_model_uri_when_there_is_no_reward_stage()
    {
        using var job = new RlhfJobFixture("sft, ppo", extra: "    rewardModelUri: model");
        Directory.CreateDirectory(job.RunPath("sft", "merged"));
        var plan = job.Plan("ppo", "1", $$"""{"sft": "{{job.RunPath("sft")}}"}""");
        Assert.Equal(Path.Combine(job.Root, "model"), plan.Rlhf!.RewardModelDirectory);
        Assert.Equal(job.RunPath("sft", "merged"), plan.ModelDirectory);
    }

    [Fact]
    public void Iteration_two_sft_starts_from_the_previous_iterations_last_stage_and_writes_its_own_folder()
    {
        using var job = new RlhfJobFixture();
        foreach (var stage in new[] { "sft", "reward", "ppo" }) Directory.CreateDirectory(job.RunPath(stage, "merged"));
        var inputs = $$"""{"sft": "{{job.RunPath("sft")}}/", "reward": "{{job.RunPath("reward")}}", "ppo": "{{job.RunPath("ppo")}}"}""";

        var plan = job.Plan("sft", "2", inputs);

        Assert.Equal(job.RunPath("ppo", "merged"), plan.ModelDirectory);
        Assert.Equal(job.RunPath("sft-2"), plan.RunDirectory);
        Assert.Equal(2, plan.Rlhf!.Iteration);
        Assert.Equal(Path.Combine(job.Root, "model"), plan.TokenizerDirectory);
    }

    [Fact]
    public void Stage_hyperparameters_override_the_spec_in_the_stage_job()
    {
        using var job = new RlhfJobFixture();
        var plan = job.Plan("sft");
        var spec = plan.Rlhf!.StageJob.Spec;
        Assert.Equal(3, spec.Hyperparameters.MaxSteps);
        Assert.Equal(Api.V1Alpha1.FineTuneMethod.Lora, spec.Method);
        Assert.Equal(Api.V1Alpha1.SaveMode.Both, spec.Output.Save);
        Assert.Equal(Path.Combine(job.Root, "data", "sft.jsonl"), plan.TrainFile);
        Assert.Equal(Api.V1Alpha1.FineTuneMethod.Rlhf, plan.Job.Spec.Method); // telemetry still reports rlhf
    }

    [Theory]
    [InlineData("zero", null, "FINETUNE_ITERATION: 'zero' is not an iteration")]
    [InlineData("3", null, "FINETUNE_ITERATION: 3 is past spec.rlhf.iterations (2)")]
    [InlineData("1", "[\"sft\"]", "FINETUNE_STAGE_INPUTS: not a JSON object of stage name to output URI")]
    public void Malformed_stage_environment_is_an_error_naming_the_variable(string iteration, string? inputs, string expected)
    {
        using var job = new RlhfJobFixture();
        var error = Assert.Throws<JobInputException>(() => job.Plan("sft", iteration, inputs));
        Assert.StartsWith(expected, error.Message);
    }
}
