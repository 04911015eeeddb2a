using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FineTune.Api.Manifests;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Data.Tasks;
using FineTune.Trainer.Jobs;
using FineTune.Trainer.Methods.Qat;
using FineTune.Trainer.Models;
using FineTune.Trainer.Telemetry;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tokenization;

namespace FineTune.Trainer.Tests.Methods.Qat;

/// <summary>A qat manifest run the way `trainer run` runs it: plan, train, export, metrics.</summary>
public sealed class QatJobTests
{
    [Fact]
    public async Task A_qat_job_exports_an_int8_model_with_its_tokenizer_and_reports_the_quantization_error()
    {
        using var dir = new TempDirectory();
        var model = Path.Combine(dir.Path, "model");
        ModelInitializer.Write(model, ModelPresets.Create("gpt2", "tiny", TestTokenizers.ByteLevel.VocabularySize, maxPositions: 128), seed: 8,
            writeTokenizerFiles: directory => TokenizerWriter.Write(directory, TokenizerPreset.ByteLevel, 128));
        Directory.CreateDirectory(Path.Combine(dir.Path, "data"));
        ReverseWordsTask.WriteJsonl(Path.Combine(dir.Path, "data", "train.jsonl"), 16, ReverseWordsTask.TrainSeed);
        var loaded = ManifestLoader.LoadText("""
            apiVersion: finetune.dev/v1alpha1
            kind: FineTuneJob
            metadata: {name: qat-test}
            spec:
              method: qat
              model: {uri: model}
              dataset: {uri: data/train.jsonl, format: instruction}
              output: {uri: runs}
              hyperparameters: {learningRate: 1.0e-3, batchSize: 4, sequenceLength: 96, maxSteps: 3, seed: 3}
              qat: {weightBits: 4, activationBits: 8, groupSize: 32, fakeQuantAfterSteps: 1, symmetric: false, export: int8}
            """, "job.yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        var resolver = new LocalUriResolver(dir.Path);
        var plan = JobPlanner.Plan(loaded.Jobs[0], null, "run-1", resolver, uri => resolver.ToPath(uri, "spec.output.uri"));
        var metrics = new TrainerMetrics(new TrainerMetricLabels("ml", "qat-test", "qat", ""));

        var result = JobRunner.Run(plan, new MetricsObserver(metrics));

        Assert.Equal(3, result.Steps);
        var merged = result.Outputs["merged"];
        Assert.True(File.Exists(Path.Combine(merged, "tokenizer.json")), "tokenizer files were not copied next to the weights");
        var block = JsonNode.Parse(File.ReadAllText(Path.Combine(merged, CheckpointFiles.Config)))![QatCheckpoint.ConfigKey]!;
        Assert.Equal(4, block["weight_bits"]!.GetValue<int>());
        Assert.Equal(8, block["activation_bits"]!.GetValue<int>());
        var (exported, _) = HuggingFaceCheckpoint.Load(merged);
        Assert.Equal("gpt2", exported.Config.ModelType);

        var text = await metrics.ExportTextAsync();
        var line = Regex.Match(text, @"^finetune_trainer_quantization_error\{[^}]*\} (\S+)$", RegexOptions.Multiline);
        Assert.True(line.Success, text);
        Assert.InRange(double.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture), 1e-6, 0.1);
    }
}
