using System.Text.Json;
using FineTune.Api.Contract;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Cli.Commands;
using FineTune.Trainer.Data.Tasks;
using FineTune.Trainer.Models.Generation;

namespace FineTune.Trainer.Cli.Tests.Commands;

/// <summary>The run, eval, generate and init commands end to end on a tiny model written by init.</summary>
public sealed class TrainerCommandsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "finetune-cli-" + Guid.NewGuid().ToString("N"));

    public TrainerCommandsTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string Init(string architecture = "gpt2")
    {
        var model = Path.Combine(_dir, "model");
        var (output, errors) = (new StringWriter(), new StringWriter());
        Assert.Equal(TrainerExitCodes.Success, InitCommand.Run(architecture, "tiny", model, "byte-level", 128, 3, output, errors));
        return model;
    }

    private string Job(string method, string hyperparameters, string extra = "")
    {
        ReverseWordsTask.WriteJsonl(Path.Combine(_dir, "data", "train.jsonl"), 64, ReverseWordsTask.TrainSeed);
        ReverseWordsTask.WriteJsonl(Path.Combine(_dir, "data", "val.jsonl"), 16, ReverseWordsTask.ValidationSeed);
        var path = Path.Combine(_dir, "job.yaml");
        File.WriteAllText(path, $"""
            apiVersion: finetune.dev/v1alpha1
            kind: FineTuneJob
            metadata: {"{"}name: cli-test{"}"}
            spec:
              method: {method}
              model: {"{"}uri: model{"}"}
              dataset: {"{"}uri: data/train.jsonl, validationUri: data/val.jsonl, format: instruction{"}"}
              output: {"{"}uri: runs{"}"}
              hyperparameters: {hyperparameters}
            {extra}
            """);
        return path;
    }

    [Fact]
    public void Run_trains_exports_a_loadable_model_and_logs_json_lines()
    {
        Init();
        var job = Job("frozen", "{maxSteps: 4, batchSize: 8, sequenceLength: 128, learningRate: 0.003, evalEverySteps: 2}", "  frozen: {trainableLayers: 1}");
        var (output, errors) = (new StringWriter(), new StringWriter());

        var code = RunCommand.Run(new FileInfo(job), null, "r1", jsonLines: true, output, errors);

        Assert.True(code == TrainerExitCodes.Success, errors.ToString());
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(4, lines.Count(l => l.GetProperty("event").GetString() == "step"));
        Assert.Equal(2, lines.Count(l => l.GetProperty("event").GetString() == "eval"));
        var merged = Path.Combine(_dir, "runs", "r1", "train", "merged");
        Assert.True(File.Exists(Path.Combine(merged, "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(merged, "tokenizer.json")));
        var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "runs", "r1", "train", "metrics.json"))).RootElement;
        Assert.Equal(4, result.GetProperty("steps").GetInt64());

        // The export is a model the other commands read.
        var (evalOut, evalErr) = (new StringWriter(), new StringWriter());
        Assert.Equal(TrainerExitCodes.Success,
            EvalCommand.Run(merged, Path.Combine(_dir, "data", "val.jsonl"), "instruction", 8, null, evalOut, evalErr));
        var metrics = JsonDocument.Parse(evalOut.ToString()).RootElement;
        Assert.True(metrics.GetProperty("loss").GetDouble() > 0);
        Assert.Equal(Math.Exp(metrics.GetProperty("loss").GetDouble()), metrics.GetProperty("perplexity").GetDouble(), 6);
        Assert.True(metrics.GetProperty("tokens").GetInt64() > 0);
        Assert.Equal(16, metrics.GetProperty("examples").GetInt32());
    }

    [Fact]
    public void Run_rejects_an_invalid_manifest_with_exit_code_2()
    {
        var path = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(path, "apiVersion: finetune.dev/v1alpha1\nkind: FineTuneJob\nmetadata: {name: x}\nspec: {method: full}\n");
        var (output, errors) = (new StringWriter(), new StringWriter());
        Assert.Equal(TrainerExitCodes.InvalidInput, RunCommand.Run(new FileInfo(path), null, "r", true, output, errors));
        Assert.Contains("spec.model", errors.ToString());
    }

    [Fact]
    public void Run_rejects_a_sequence_length_beyond_the_model_positions()
    {
        Init();
        var job = Job("full", "{maxSteps: 1, sequenceLength: 512}");
        var (output, errors) = (new StringWriter(), new StringWriter());
        Assert.Equal(TrainerExitCodes.InvalidInput, RunCommand.Run(new FileInfo(job), null, "r", true, output, errors));
        Assert.Contains("spec.hyperparameters.sequenceLength: 512 is longer than the model's 128 positions", errors.ToString());
    }

    [Fact]
    public void Run_stops_with_exit_code_3_when_the_loss_is_not_finite()
    {
        // A base model with an infinite weight (a corrupted upload, an overflowed export) gives a NaN loss at once.
        var model = Init();
        var (loaded, _) = HuggingFaceCheckpoint.Load(model);
        using (TorchSharp.torch.no_grad())
            loaded.Module.named_parameters().First(p => p.name == "transformer.ln_f.weight").parameter.fill_(double.PositiveInfinity);
        HuggingFaceCheckpoint.Save(loaded, model);
        var job = Job("full", "{maxSteps: 3, batchSize: 8, sequenceLength: 128}");
        var (output, errors) = (new StringWriter(), new StringWriter());

        var code = RunCommand.Run(new FileInfo(job), null, "r", true, output, errors);

        Assert.True(code == TrainerExitCodes.Diverged, $"exit {code}: {errors}");
        Assert.Contains("training diverged at step 1: the training loss is", errors.ToString());
        Assert.False(Directory.Exists(Path.Combine(_dir, "runs", "r", "train", "merged")));
    }

    [Fact]
    public void Generate_prints_a_greedy_continuation_deterministically()
    {
        var model = Init("llama");
        var options = new GenerationOptions { MaxNewTokens = 8 };
        var (first, second, errors) = (new StringWriter(), new StringWriter(), new StringWriter());
        Assert.Equal(TrainerExitCodes.Success, GenerateCommand.Run(model, "hello", options, first, errors));
        Assert.Equal(TrainerExitCodes.Success, GenerateCommand.Run(model, "hello", options, second, errors));
        Assert.Equal(first.ToString(), second.ToString());
        Assert.NotEqual("", first.ToString().TrimEnd('\n'));
    }

    [Fact]
    public void Init_rejects_an_unknown_architecture_naming_the_accepted_ones()
    {
        var (output, errors) = (new StringWriter(), new StringWriter());
        Assert.Equal(TrainerExitCodes.InvalidInput, InitCommand.Run("gpt5", "tiny", Path.Combine(_dir, "m"), "byte-level", 128, 0, output, errors));
        Assert.Contains("architecture: 'gpt5' is not supported; expected one of: bert, gpt2, llama, mistral, qwen2", errors.ToString());
    }
}
