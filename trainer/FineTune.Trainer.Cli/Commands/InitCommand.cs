using System.CommandLine;
using FineTune.Api.Contract;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Models;
using FineTune.Trainer.Tokenization;

namespace FineTune.Trainer.Cli.Commands;

/// <summary>
/// <c>trainer init --architecture A --size S --output DIR [--tokenizer byte-level|gpt2] [--max-positions N] [--seed N]</c>:
/// writes a randomly initialised model with its tokenizer in Hugging Face layout (no model hub is needed).
/// </summary>
public static class InitCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var architecture = new Option<string>("--architecture") { Description = $"One of: {string.Join(", ", ModelPresets.Architectures)}", DefaultValueFactory = _ => "gpt2" };
        var size = new Option<string>("--size") { Description = $"One of: {string.Join(", ", ModelPresets.Sizes)}", DefaultValueFactory = _ => "tiny" };
        var output = new Option<DirectoryInfo>("--output") { Description = "Directory to write", Required = true };
        var tokenizer = new Option<string>("--tokenizer") { Description = "byte-level (264 ids) or gpt2 (50,257 ids)", DefaultValueFactory = _ => "byte-level" };
        var positions = new Option<int>("--max-positions") { DefaultValueFactory = _ => 512 };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0 };
        var command = new Command("init", "Write a freshly initialised model and tokenizer in Hugging Face layout");
        foreach (var option in new Option[] { architecture, size, output, tokenizer, positions, seed }) command.Options.Add(option);
        command.SetAction(parse => Run(parse.GetValue(architecture)!, parse.GetValue(size)!, parse.GetValue(output)!.FullName,
            parse.GetValue(tokenizer)!, parse.GetValue(positions), parse.GetValue(seed), Console.Out, Console.Error));
        return command;
    }

    /// <summary>Writes the model; returns the exit code.</summary>
    public static int Run(string architecture, string size, string directory, string tokenizer, int maxPositions, long seed,
        TextWriter output, TextWriter errors) => CommandErrors.Guard(errors, () =>
    {
        var preset = tokenizer switch
        {
            "byte-level" => TokenizerPreset.ByteLevel,
            "gpt2" => TokenizerPreset.Gpt2,
            _ => throw new ArgumentException($"--tokenizer: '{tokenizer}' is not a tokenizer preset; expected byte-level or gpt2."),
        };
        if (maxPositions <= 0) throw new ArgumentException($"--max-positions: {maxPositions}; expected a positive integer.");
        // The tokenizer is written first: its vocabulary size fixes the embedding size.
        var written = TokenizerWriter.Write(directory, preset, maxPositions);
        var config = ModelPresets.Create(architecture, size, written.VocabularySize, maxPositions);
        ModelInitializer.Write(directory, config, seed);
        output.WriteLine($"wrote a {size} {architecture} model ({config.NumLayers} layers, d={config.HiddenSize}, vocab {config.VocabSize}) to {directory}");
        return TrainerExitCodes.Success;
    });
}
