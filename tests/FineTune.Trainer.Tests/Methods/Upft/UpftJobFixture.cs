using System.Globalization;
using FineTune.Api.Manifests;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Jobs;
using FineTune.Trainer.Models;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tokenization;

namespace FineTune.Trainer.Tests.Methods.Upft;

/// <summary>
/// A folder with a tiny GPT-2 (byte-level tokenizer, whose tokenizer_config.json carries the chatml template), a file of
/// unlabeled prompts and a upft manifest over them with no spec.dataset; plans the job the way `trainer run` does.
/// </summary>
internal sealed class UpftJobFixture : IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <param name="upft">Extra fields of spec.upft (flow style, after promptsUri).</param>
    /// <param name="extra">Extra spec blocks (indented by 2).</param>
    /// <param name="hyperparameters">spec.hyperparameters (flow style, inside the braces).</param>
    public UpftJobFixture(string upft = "prefixTokens: 4, structureRatio: 0.25, samplesPerPrompt: 2, maxNewTokens: 12, temperature: 1.0",
        string extra = "", string hyperparameters = "learningRate: 1.0e-2, batchSize: 4, maxSteps: 4, sequenceLength: 96, seed: 3")
    {
        var model = Path.Combine(Root, "model");
        ModelInitializer.Write(model, ModelPresets.Create("gpt2", "tiny", TestTokenizers.ByteLevel.VocabularySize, maxPositions: 128), seed: 8,
            writeTokenizerFiles: directory => TokenizerWriter.Write(directory, TokenizerPreset.ByteLevel, 128));
        Directory.CreateDirectory(Path.Combine(Root, "data"));
        WritePrompts(PromptsFile, 8);
        var yaml = $$"""
            apiVersion: finetune.dev/v1alpha1
            kind: FineTuneJob
            metadata: {name: upft-test}
            spec:
              method: upft
              model: {uri: model}
              output: {uri: runs}
              hyperparameters: {{{hyperparameters}}}
              upft: {promptsUri: data/prompts.jsonl, {{upft}}}
            {{extra}}
            """;
        var loaded = ManifestLoader.LoadText(yaml, "job.yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors) + "\n" + yaml);
        Job = loaded.Jobs[0];
    }

    public string Root => _dir.Path;

    public string PromptsFile => Path.Combine(Root, "data", "prompts.jsonl");

    public FineTuneJob Job { get; }

    /// <summary>Short arithmetic questions, one {"prompt"} per line.</summary>
    public static void WritePrompts(string path, int count) =>
        File.WriteAllLines(path, Enumerable.Range(1, count).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $$"""{"prompt": "What is {{i}} plus {{i * 3}}?"}""")));

    /// <summary>The plan of the job under <paramref name="runId"/>, as the trainer CLI makes it.</summary>
    public JobPlan Plan(string runId = "run-1", string? stage = null)
    {
        var resolver = new LocalUriResolver(Root);
        return JobPlanner.Plan(Job, stage, runId, resolver, uri => resolver.ToPath(uri, "spec.output.uri"));
    }

    public string RunPath(string runId, params string[] parts) => Path.Combine([Root, "runs", runId, "train", .. parts]);

    public void Dispose() => _dir.Dispose();
}
