using FineTune.Api.Manifests;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Data.Tasks;
using FineTune.Trainer.Jobs;
using FineTune.Trainer.Methods.Rlhf;
using FineTune.Trainer.Models;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tests.Rlhf;
using FineTune.Trainer.Tokenization;

namespace FineTune.Trainer.Tests.Methods.Rlhf;

/// <summary>
/// A folder with a tiny GPT-2 (byte-level tokenizer), reverse-words sft, preference and prompt data, and an rlhf
/// manifest over them; plans stages the way `trainer run --stage` does, with the context given as the environment text.
/// </summary>
internal sealed class RlhfJobFixture : IDisposable
{
    private readonly TempDirectory _dir = new();

    public RlhfJobFixture(string stages = "sft, reward, ppo", string extra = "")
    {
        var model = Path.Combine(Root, "model");
        ModelInitializer.Write(model, ModelPresets.Create("gpt2", "tiny", TestTokenizers.ByteLevel.VocabularySize, maxPositions: 128), seed: 8,
            writeTokenizerFiles: directory => TokenizerWriter.Write(directory, TokenizerPreset.ByteLevel, 128));
        Directory.CreateDirectory(Path.Combine(Root, "data"));
        ReverseWordsTask.WriteJsonl(Path.Combine(Root, "data", "sft.jsonl"), 24, ReverseWordsTask.TrainSeed);
        ReverseWordsPreferences.WritePreferences(Path.Combine(Root, "data", "prefs.jsonl"), 24, seed: 21);
        ReverseWordsPreferences.WritePreferences(Path.Combine(Root, "data", "prefs-val.jsonl"), 8, seed: 22);
        ReverseWordsPreferences.WritePrompts(Path.Combine(Root, "data", "prompts.jsonl"), 8, seed: 23);
        var stageLines = new Dictionary<string, string>
        {
            ["sft"] = "- {name: sft, dataset: {uri: data/sft.jsonl, format: instruction}, hyperparameters: {maxSteps: 3}}",
            ["reward"] = "- {name: reward, dataset: {uri: data/prefs.jsonl, validationUri: data/prefs-val.jsonl, format: preference}, hyperparameters: {maxSteps: 3}}",
            ["ppo"] = "- {name: ppo, dataset: {uri: data/prompts.jsonl, format: prompt}, hyperparameters: {maxSteps: 2},\n         ppo: {rolloutBatchSize: 4, maxNewTokens: 4, ppoEpochs: 2}}",
            ["dpo"] = "- {name: dpo, dataset: {uri: data/prefs.jsonl, validationUri: data/prefs-val.jsonl, format: preference}, hyperparameters: {maxSteps: 3}, dpo: {beta: 0.1}}",
        };
        var lines = stages.Split(", ").Select(s => "      " + stageLines[s]);
        var yaml = $"""
            apiVersion: finetune.dev/v1alpha1
            kind: FineTuneJob
            metadata: {"{"}name: rlhf-test{"}"}
            spec:
              method: rlhf
              model: {"{"}uri: model{"}"}
              output: {"{"}uri: runs{"}"}
              hyperparameters: {"{"}learningRate: 1.0e-3, batchSize: 4, sequenceLength: 96, seed: 3{"}"}
              lora: {"{"}rank: 4, alpha: 8, dropout: 0.0, targetModules: [c_attn]{"}"}
              rlhf:
                iterations: 2
            {extra}
                stages:
            {string.Join("\n", lines)}
            """;
        var loaded = ManifestLoader.LoadText(yaml, "job.yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors) + "\n" + yaml);
        Job = loaded.Jobs[0];
    }

    public string Root => _dir.Path;

    public FineTuneJob Job { get; }

    /// <summary>The plan of <paramref name="stage"/> for FINETUNE_ITERATION / FINETUNE_STAGE_INPUTS given as text.</summary>
    public JobPlan Plan(string? stage, string? iteration = null, string? stageInputs = null)
    {
        var resolver = new LocalUriResolver(Root);
        return RlhfStagePlanner.Plan(Job, stage, "run-1", resolver, uri => resolver.ToPath(uri, "spec.output.uri"),
            RlhfStageContext.Parse(iteration, stageInputs));
    }

    public string RunPath(params string[] parts) => Path.Combine([Root, "runs", "run-1", .. parts]);

    public void Dispose() => _dir.Dispose();
}
