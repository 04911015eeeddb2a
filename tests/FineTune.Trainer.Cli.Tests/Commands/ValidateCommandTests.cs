using FineTune.Api.Contract;
using FineTune.Trainer.Cli.Commands;

namespace FineTune.Trainer.Cli.Tests.Commands;

public sealed class ValidateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("validate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private FileInfo Write(string name, string yaml)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, yaml);
        return new FileInfo(path);
    }

    private const string Valid = """
        apiVersion: finetune.dev/v1alpha1
        kind: FineTuneJob
        metadata: {name: tiny}
        spec:
          method: full
          model: {uri: models/tiny}
          dataset: {uri: data/train.jsonl}
          output: {uri: runs/tiny}
        """;

    [Fact]
    public void Valid_manifest_exits_zero_and_says_so()
    {
        var output = new StringWriter();
        var errors = new StringWriter();

        var code = ValidateCommand.Run([Write("ok.yaml", Valid)], output, errors);

        Assert.Equal(TrainerExitCodes.Success, code);
        Assert.Contains("FineTuneJob tiny is valid (method full)", output.ToString());
        Assert.Empty(errors.ToString());
    }

    [Fact]
    public void Invalid_manifest_exits_with_invalid_input_listing_every_problem_with_its_line()
    {
        var file = Write("bad.yaml", Valid.Replace("method: full", "method: lora").Replace("output: {uri: runs/tiny}", "output: {uri: runs/tiny, sav: x}"));
        var errors = new StringWriter();

        var code = ValidateCommand.Run([file], new StringWriter(), errors);

        Assert.Equal(TrainerExitCodes.InvalidInput, code);
        var lines = errors.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            [$"{file}:4:1: spec.lora: required when method is lora",
             $"{file}:8:28: spec.output.sav: unknown field; accepted fields here: uri, save, keepCheckpoints, retainOnDelete",
             $"{file}: 2 problems"],
            lines);
    }
}
