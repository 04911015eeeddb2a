using System.Text.Json.Nodes;
using FineTune.Trainer.Jobs;
using FineTune.Trainer.Rlhf;
using FineTune.Trainer.Training;

namespace FineTune.Trainer.Tests.Methods.Rlhf;

public sealed class RlhfPipelineTests
{
    [Fact]
    public void Sft_reward_and_ppo_stages_run_in_sequence_passing_outputs_through_the_stage_inputs()
    {
        using var job = new RlhfJobFixture();
        var inputs = new JsonObject();
        foreach (var stage in new[] { "sft", "reward", "ppo" })
        {
            var plan = job.Plan(stage, "1", inputs.ToJsonString());
            var result = JobRunner.Run(plan, NullTrainingObserver.Instance);
            Assert.False(result.Interrupted);
            Assert.Equal(job.RunPath(stage), plan.RunDirectory);
            Assert.True(File.Exists(job.RunPath(stage, "metrics.json")), $"{stage}: metrics.json");
            Assert.True(File.Exists(job.RunPath(stage, "merged", "model.safetensors")), $"{stage}: merged weights");
            Assert.True(File.Exists(job.RunPath(stage, "merged", "tokenizer.json")), $"{stage}: tokenizer next to the weights");
            inputs[stage] = plan.RunDirectory; // what the operator passes on in FINETUNE_STAGE_INPUTS
        }

        Assert.True(File.Exists(job.RunPath("sft", "adapter", "adapter_config.json")));
        Assert.True(File.Exists(job.RunPath("ppo", "adapter", "adapter_config.json")));
        using (var reward = RewardModel.Load(job.RunPath("reward", "merged"), TorchSharp.torch.CPU))
            Assert.Equal("gpt2", reward.Decoder.Config.ModelType);
        var rewardMetrics = JsonNode.Parse(File.ReadAllText(job.RunPath("reward", "metrics.json")))!;
        Assert.InRange(rewardMetrics["rlhf"]!["rewardModelAccuracy"]!.GetValue<double>(), 0, 1);
        var ppoMetrics = JsonNode.Parse(File.ReadAllText(job.RunPath("ppo", "metrics.json")))!;
        Assert.Equal(2, ppoMetrics["steps"]!.GetValue<long>());
        Assert.True(double.IsFinite(ppoMetrics["rlhf"]!["rewardMean"]!.GetValue<double>()));
        Assert.Equal("ppo", ppoMetrics["stage"]!.GetValue<string>());
    }

    [Fact]
    public void A_preference_line_without_rejected_is_an_error_naming_the_file_and_line()
    {
        using var job = new RlhfJobFixture();
        var prefs = Path.Combine(job.Root, "data", "prefs.jsonl");
        var lines = File.ReadAllLines(prefs);
        lines[1] = """{"prompt": "Reverse: sun cat =>", "chosen": " cat sun"}""";
        File.WriteAllLines(prefs, lines);
        Directory.CreateDirectory(job.RunPath("sft", "merged"));
        File.Copy(Path.Combine(job.Root, "model", "config.json"), job.RunPath("sft", "merged", "config.json"));
        File.Copy(Path.Combine(job.Root, "model", "model.safetensors"), job.RunPath("sft", "merged", "model.safetensors"));

        var plan = job.Plan("reward", "1", $$"""{"sft": "{{job.RunPath("sft")}}"}""");
        var error = Assert.ThrowsAny<Exception>(() => JobRunner.Run(plan, NullTrainingObserver.Instance));

        Assert.Contains($"{prefs}:2: missing field \"rejected\"", error.Message);
    }
}
