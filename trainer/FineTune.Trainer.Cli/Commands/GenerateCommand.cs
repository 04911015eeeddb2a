using System.CommandLine;
using FineTune.Api.Contract;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Models;
using FineTune.Trainer.Models.Generation;
using FineTune.Trainer.Runtime;
using FineTune.Trainer.Tokenization;

namespace FineTune.Trainer.Cli.Commands;

/// <summary>
/// <c>trainer generate --model DIR --prompt TEXT [--max-new-tokens N] [--temperature T] [--top-p P] [--seed S]</c>:
/// prints the continuation of the prompt (greedy by default), stopping at the end-of-sequence token.
/// </summary>
public static class GenerateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Model directory (Hugging Face layout)", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "Text to continue", Required = true };
        var maxNew = new Option<int>("--max-new-tokens") { DefaultValueFactory = _ => 64 };
        var temperature = new Option<double>("--temperature") { Description = "0 = greedy", DefaultValueFactory = _ => 0 };
        var topP = new Option<double>("--top-p") { DefaultValueFactory = _ => 1.0 };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0 };
        var command = new Command("generate", "Continue a prompt with a causal language model");
        foreach (var option in new Option[] { model, prompt, maxNew, temperature, topP, seed }) command.Options.Add(option);
        command.SetAction(parse => Run(parse.GetValue(model)!.FullName, parse.GetValue(prompt)!, new GenerationOptions
        {
            MaxNewTokens = parse.GetValue(maxNew),
            Temperature = parse.GetValue(temperature),
            TopP = parse.GetValue(topP),
            Seed = parse.GetValue(seed),
        }, Console.Out, Console.Error));
        return command;
    }

    /// <summary>Generates and prints; returns the exit code.</summary>
    public static int Run(string modelDirectory, string prompt, GenerationOptions options, TextWriter output, TextWriter errors) =>
        CommandErrors.Guard(errors, () =>
        {
            options.Validate();
            ThreadSettings.Apply();
            var tokenizer = TokenizerLoader.Load(modelDirectory);
            var (model, _) = HuggingFaceCheckpoint.Load(modelDirectory);
            try
            {
                if (model is not ICausalLanguageModel causal)
                    throw new ArgumentException($"--model: {modelDirectory} holds a {model.Config.ModelType} classifier; generate needs a causal language model.");
                var ids = tokenizer.Encode(prompt, addSpecialTokens: true).Select(i => (long)i).ToList();
                var generated = TextGenerator.Generate(causal, ids, options with { EosTokenId = options.EosTokenId ?? tokenizer.EosId });
                output.WriteLine(tokenizer.Decode(generated.Select(i => (int)i), skipSpecialTokens: true));
                return TrainerExitCodes.Success;
            }
            finally
            {
                model.Module.Dispose();
            }
        });
}
