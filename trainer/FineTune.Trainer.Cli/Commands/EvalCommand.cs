using System.CommandLine;
using System.Text.Json;
using FineTune.Api.Contract;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Data;
using FineTune.Trainer.Models;
using FineTune.Trainer.Runtime;
using FineTune.Trainer.Tokenization;
using FineTune.Trainer.Training;
using static TorchSharp.torch;

namespace FineTune.Trainer.Cli.Commands;

/// <summary>
/// <c>trainer eval --model DIR --data FILE [--format F] [--batch-size N] [--sequence-length N]</c>: prints one JSON
/// object with loss, perplexity, tokens and examples (plus accuracy and macro_f1 for classification).
/// </summary>
public static class EvalCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Model directory (Hugging Face layout)", Required = true };
        var data = new Option<FileInfo>("--data") { Description = "JSONL records", Required = true };
        var format = new Option<string>("--format") { Description = "text, instruction, chat or classification", DefaultValueFactory = _ => "text" };
        var batchSize = new Option<int>("--batch-size") { DefaultValueFactory = _ => 8 };
        var sequenceLength = new Option<int?>("--sequence-length") { Description = "Default: the model's positions, at most 1024" };
        var command = new Command("eval", "Evaluate a model on a dataset and print its metrics as JSON");
        foreach (var option in new Option[] { model, data, format, batchSize, sequenceLength }) command.Options.Add(option);
        command.SetAction(parse => Run(parse.GetValue(model)!.FullName, parse.GetValue(data)!.FullName, parse.GetValue(format)!,
            parse.GetValue(batchSize), parse.GetValue(sequenceLength), Console.Out, Console.Error));
        return command;
    }

    /// <summary>Evaluates and prints; returns the exit code.</summary>
    public static int Run(string modelDirectory, string dataFile, string format, int batchSize, int? sequenceLength,
        TextWriter output, TextWriter errors) => CommandErrors.Guard(errors, () =>
    {
        var datasetFormat = ParseFormat(format);
        if (batchSize <= 0) throw new ArgumentException($"--batch-size: {batchSize}; expected a positive integer.");
        ThreadSettings.Apply();
        var tokenizer = TokenizerLoader.Load(modelDirectory);
        var (model, _) = HuggingFaceCheckpoint.Load(modelDirectory);
        try
        {
            var length = sequenceLength ?? Math.Min(model.Config.MaxPositions, 1024);
            if (length > model.Config.MaxPositions)
                throw new ArgumentException($"--sequence-length: {length} is longer than the model's {model.Config.MaxPositions} positions.");
            var data = DatasetPreparer.Prepare(dataFile, null, tokenizer, new DatasetOptions
            {
                Format = datasetFormat,
                SequenceLength = length,
                CompletionOnlyLoss = datasetFormat is DatasetFormat.Instruction or DatasetFormat.Chat,
                NumLabels = model is ISequenceClassifier c ? c.NumLabels : null,
            });
            var metrics = Evaluator.Evaluate(model, data.Train, batchSize, tokenizer.PadId, CPU);
            output.WriteLine(JsonSerializer.Serialize(metrics));
            return TrainerExitCodes.Success;
        }
        finally
        {
            model.Module.Dispose();
        }
    });

    private static DatasetFormat ParseFormat(string text) => text switch
    {
        "text" => DatasetFormat.Text,
        "instruction" => DatasetFormat.Instruction,
        "chat" => DatasetFormat.Chat,
        "classification" => DatasetFormat.Classification,
        _ => throw new ArgumentException($"--format: '{text}' cannot be evaluated; expected text, instruction, chat or classification."),
    };
}
