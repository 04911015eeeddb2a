using System.Text.Json.Nodes;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Jobs;
using FineTune.Trainer.Methods.Peft;
using FineTune.Trainer.Methods.Upft;
using FineTune.Trainer.Models;
using FineTune.Trainer.Tests.Jobs;
using FineTune.Trainer.Training;
using static FineTune.Trainer.Tests.Methods.Peft.PeftTestSupport;

namespace FineTune.Trainer.Tests.Methods.Upft;

public sealed class UpftJobTests
{
    [Fact]
    public void A_job_without_a_dataset_samples_trains_and_exports_merged_weights_with_the_full_policy()
    {
        using var job = new UpftJobFixture();
        Assert.Null(job.Job.Spec.Dataset);
        var plan = job.Plan();
        var observer = new StepHook(_ => { });
        var result = JobRunner.Run(plan, observer);

        Assert.Equal("upft", result.Method);
        Assert.Equal(4, result.Steps);
        Assert.False(result.Interrupted);
        Assert.Equal(job.PromptsFile, plan.TrainFile);
        Assert.Equal(["merged"], result.Outputs.Keys);
        Assert.True(File.Exists(job.RunPath("run-1", "merged", "model.safetensors")));
        Assert.True(File.Exists(job.RunPath("run-1", "merged", "tokenizer.json")));
        Assert.Contains(observer.Messages, m => m.Contains("sampling 2 answer(s) to each of 8 prompts in chatml chat template"));

        var metrics = JsonNode.Parse(File.ReadAllText(job.RunPath("run-1", "metrics.json")))!["upft"]!;
        Assert.Equal(8, metrics["prompts"]!.GetValue<int>());
        Assert.Equal(16, metrics["samples"]!.GetValue<int>());
        Assert.Equal(4, metrics["structureSamples"]!.GetValue<int>());
        Assert.Equal("full", metrics["policyMethod"]!.GetValue<string>());

        // The set is in the run directory and travels inside the checkpoint.
        var inRun = File.ReadAllText(job.RunPath("run-1", UpftSampleSet.FileName));
        Assert.Equal(inRun, File.ReadAllText(job.RunPath("run-1", "checkpoints", "step-4", UpftSampleSet.FileName)));
        Assert.Equal(16, UpftSampleSet.Read(job.RunPath("run-1", UpftSampleSet.FileName)).Samples.Count);
    }

    [Fact]
    public void The_lora_policy_exports_an_adapter_that_loads_onto_the_base_like_the_merged_weights()
    {
        using var job = new UpftJobFixture(
            upft: "prefixTokens: 4, structureRatio: 0.25, samplesPerPrompt: 1, maxNewTokens: 8, policyMethod: lora",
            extra: "  lora: {rank: 4, alpha: 8, dropout: 0.0, targetModules: [c_attn]}");
        job.Job.Spec.Output.Save = SaveMode.Both;
        job.Job.Spec.Dataset = new DatasetSpec { Uri = "data/unused.jsonl" }; // allowed for upft, and not read
        var observer = new StepHook(_ => { });
        var result = JobRunner.Run(job.Plan(), observer);

        Assert.Equal(["adapter", "merged"], result.Outputs.Keys.Order());
        Assert.Contains(observer.Messages, m => m.StartsWith("upft: spec.dataset (data/unused.jsonl) is not read", StringComparison.Ordinal));
        var adapterDirectory = job.RunPath("run-1", "adapter");
        Assert.Contains("\"LORA\"", File.ReadAllText(Path.Combine(adapterDirectory, "adapter_config.json")));
        var onBase = (ICausalLanguageModel)HuggingFaceCheckpoint.Load(Path.Combine(job.Root, "model")).Model;
        PeftRegistry.LoadAdapter(onBase, adapterDirectory);
        var merged = (ICausalLanguageModel)HuggingFaceCheckpoint.Load(job.RunPath("run-1", "merged")).Model;
        onBase.Module.eval();
        merged.Module.eval();
        using var ids = TorchSharp.torch.tensor(new long[] { 60, 61, 62, 63, 64, 65 }).unsqueeze(0);
        using var a = onBase.Forward(ids);
        using var b = merged.Forward(ids);
        Assert.True(MaxDifference(a, b) < 1e-5, $"adapter on base differs from merged by {MaxDifference(a, b)}");
        Assert.Equal("lora", JsonNode.Parse(File.ReadAllText(job.RunPath("run-1", "metrics.json")))!["upft"]!["policyMethod"]!.GetValue<string>());
    }

    [Fact]
    public void An_interrupted_and_resumed_run_equals_an_uninterrupted_run_bit_for_bit()
    {
        using var job = new UpftJobFixture(hyperparameters:
            "learningRate: 1.0e-2, batchSize: 4, maxSteps: 4, checkpointEverySteps: 2, sequenceLength: 96, seed: 3, warmupSteps: 1, scheduler: cosine");
        var straightLosses = new List<double>();
        JobRunner.Run(job.Plan("straight"), new StepHook(r => straightLosses.Add(r.Loss)));

        var losses = new List<double>();
        using var stop = new CancellationTokenSource();
        var first = JobRunner.Run(job.Plan("resumed"), new StepHook(r =>
        {
            losses.Add(r.Loss);
            if (r.Step == 2) stop.Cancel();
        }), stop.Token);
        Assert.True(first.Interrupted);
        Assert.Equal(2, first.Steps);
        var observer = new StepHook(r => losses.Add(r.Loss));
        var second = JobRunner.Run(job.Plan("resumed"), observer);

        Assert.Equal(4, second.Steps);
        Assert.Contains(observer.Messages, m => m.StartsWith("upft: resuming with the 16 samples of", StringComparison.Ordinal));
        Assert.DoesNotContain(observer.Messages, m => m.StartsWith("upft: sampling", StringComparison.Ordinal));
        Assert.Equal(straightLosses, losses);
        Assert.Equal(File.ReadAllText(job.RunPath("straight", UpftSampleSet.FileName)), File.ReadAllText(job.RunPath("resumed", UpftSampleSet.FileName)));
        Assert.Equal(File.ReadAllBytes(job.RunPath("straight", "merged", "model.safetensors")),
            File.ReadAllBytes(job.RunPath("resumed", "merged", "model.safetensors")));
    }

    [Fact]
    public void A_resumed_run_trains_on_the_set_its_checkpoint_carries_not_a_new_sample()
    {
        using var job = new UpftJobFixture(hyperparameters: "learningRate: 1.0e-2, batchSize: 4, maxSteps: 4, checkpointEverySteps: 2, sequenceLength: 96, seed: 3");
        using var stop = new CancellationTokenSource();
        JobRunner.Run(job.Plan(), new StepHook(r => { if (r.Step == 2) stop.Cancel(); }), stop.Token);
        var carried = job.RunPath("run-1", "checkpoints", "step-2", UpftSampleSet.FileName);
        var set = UpftSampleSet.Read(carried);
        // Another answer in the carried set: a run that sampled again would not have it.
        var changed = new UpftSampleSet(set.Fingerprint, set.Samples.Select(s => s with { Answer = s.Answer.Reverse().ToArray() }).ToArray());
        changed.Write(carried);

        JobRunner.Run(job.Plan(), NullTrainingObserver.Instance);

        var used = UpftSampleSet.Read(job.RunPath("run-1", UpftSampleSet.FileName));
        Assert.Equal(changed.Samples.Select(s => string.Join(",", s.Answer)), used.Samples.Select(s => string.Join(",", s.Answer)));
        Assert.Equal(File.ReadAllText(carried), File.ReadAllText(job.RunPath("run-1", "checkpoints", "step-4", UpftSampleSet.FileName)));
    }

    [Fact]
    public void Resuming_after_the_prompts_changed_is_refused_with_a_clear_error()
    {
        using var job = new UpftJobFixture(hyperparameters: "learningRate: 1.0e-2, batchSize: 4, maxSteps: 4, checkpointEverySteps: 2, sequenceLength: 96, seed: 3");
        using var stop = new CancellationTokenSource();
        JobRunner.Run(job.Plan(), new StepHook(r => { if (r.Step == 2) stop.Cancel(); }), stop.Token);
        UpftJobFixture.WritePrompts(job.PromptsFile, 9);

        var error = Assert.Throws<JobInputException>(() => JobRunner.Run(job.Plan(), NullTrainingObserver.Instance));
        Assert.Contains("upft samples were drawn from another prompts file", error.Message);
        Assert.Contains("step-2", error.Message);
    }
}
