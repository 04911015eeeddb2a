using System.CommandLine;
using FineTune.Api.Contract;
using FineTune.Api.Manifests;

namespace FineTune.Trainer.Cli.Commands;

/// <summary>
/// <c>trainer validate FILE...</c>: checks manifests with the CRD's own rules and prints every problem as
/// <c>file:line:column: path: message</c>. Exit 0 when all are valid, 2 otherwise.
/// </summary>
public static class ValidateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var files = new Argument<FileInfo[]>("manifest") { Description = "FineTuneJob YAML files", Arity = ArgumentArity.OneOrMore };
        var command = new Command("validate", "Check FineTuneJob manifests against the API's rules, reporting every problem");
        command.Arguments.Add(files);
        command.SetAction(parse => Run(parse.GetValue(files) ?? [], Console.Out, Console.Error));
        return command;
    }

    /// <summary>Validates each file; returns the exit code.</summary>
    public static int Run(IEnumerable<FileInfo> files, TextWriter output, TextWriter errors)
    {
        var exitCode = TrainerExitCodes.Success;
        foreach (var file in files)
        {
            var result = ManifestLoader.LoadFile(file.ToString());
            if (result.IsValid)
            {
                foreach (var job in result.Jobs)
                {
                    output.WriteLine($"{file}: FineTuneJob {job.Metadata.Name ?? job.Metadata.GenerateName} is valid (method {FineTune.Api.Schema.JsonNames.OfEnumValue(job.Spec.Method)})");
                }

                continue;
            }

            exitCode = TrainerExitCodes.InvalidInput;
            foreach (var error in result.Errors)
            {
                errors.WriteLine(error.ToString());
            }

            errors.WriteLine($"{file}: {result.Errors.Count} problem{(result.Errors.Count == 1 ? "" : "s")}");
        }

        return exitCode;
    }
}
