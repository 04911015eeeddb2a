using FineTune.Api.Manifests;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Data.Tasks;
using FineTune.Trainer.Jobs;
using FineTune.Trainer.Models;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tests.Rlhf;
using FineTune.Trainer.Tokenization;
using FineTune.Trainer.Training;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Jobs;

public sealed class JobRunnerRepeatabilityTests
{
    [Fact]
    public void A_lora_job_trains_the_same_adapter_whatever_drew_from_the_global_generator_before()
    {
        using var dir = new TempDirectory();
        ModelInitializer.Write(Path.Combine(dir.Path, "model"), ModelPresets.Create("gpt2", "tiny", TestTokenizers.ByteLevel.VocabularySize, maxPositions: 128),
            seed: 8, writeTokenizerFiles: directory => TokenizerWriter.Write(directory, TokenizerPreset.ByteLevel, 128));
        ReverseWordsTask.WriteJsonl(Path.Combine(dir.Path, "train.jsonl"), 16, ReverseWordsTask.TrainSeed);
        var loaded = ManifestLoader.LoadText("""
            apiVersion: finetune.dev/v1alpha1
            kind: FineTuneJob
            metadata: {name: repeat}
            spec:
              method: lora
              model: {uri: model}
              dataset: {uri: train.jsonl, format: instruction}
              output: {uri: runs, save: adapter}
              hyperparameters: {maxSteps: 2, batchSize: 4, sequenceLength: 96, seed: 3}
              lora: {rank: 4, alpha: 8, dropout: 0.0, targetModules: [c_attn]}
            """, "job.yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        var resolver = new LocalUriResolver(dir.Path);

        var adapters = new List<byte[]>();
        foreach (var (before, run) in new[] { (1L, "a"), (2L, "b") })
        {
            var plan = JobPlanner.Plan(loaded.Jobs[0], null, run, resolver, uri => resolver.ToPath(uri, "spec.output.uri"));
            manual_seed(before); // whatever ran earlier in the process
            var result = JobRunner.Run(plan, NullTrainingObserver.Instance);
            adapters.Add(File.ReadAllBytes(Path.Combine(result.Outputs["adapter"], "adapter_model.safetensors")));
        }

        Assert.True(adapters[0].AsSpan().SequenceEqual(adapters[1]), "two runs of one manifest trained different adapters");
    }
}
