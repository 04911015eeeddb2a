using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Data;
using FineTune.Trainer.Data.Tasks;

namespace FineTune.Trainer.Tests.Data.Tasks;

public sealed class ReverseWordsTaskTests
{
    private const int TrainCount = 400;
    private const int ValidationCount = 100;

    private static string RepositoryFile(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FineTune.Operator.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return Path.Combine([dir.FullName, .. parts]);
    }

    public static TheoryData<string, int, long> CommittedFiles => new()
    {
        { "train.jsonl", TrainCount, ReverseWordsTask.TrainSeed },
        { "validation.jsonl", ValidationCount, ReverseWordsTask.ValidationSeed },
    };

    [Theory]
    [MemberData(nameof(CommittedFiles))]
    public void Committed_task_files_equal_the_generator_output(string name, int count, long seed)
    {
        var path = RepositoryFile("examples", "data", "reverse-words", name);
        // Set FINETUNE_WRITE_TASK_DATA=1 to regenerate the committed files after changing the generator.
        if (Environment.GetEnvironmentVariable("FINETUNE_WRITE_TASK_DATA") == "1") ReverseWordsTask.WriteJsonl(path, count, seed);
        Assert.Equal(ReverseWordsTask.JsonLines(count, seed), File.ReadAllLines(path));
    }

    [Fact]
    public void Outputs_are_the_inputs_words_reversed()
    {
        foreach (var (input, output) in ReverseWordsTask.Generate(200, seed: 11))
        {
            var words = input.Split(' ');
            Assert.InRange(words.Length, 2, 4);
            Assert.All(words, w => Assert.Contains(w, ReverseWordsTask.Words));
            Assert.Equal(words.Reverse(), output.Split(' '));
        }
    }

    [Fact]
    public void Generation_is_deterministic_per_seed()
    {
        Assert.Equal(ReverseWordsTask.Generate(50, 3), ReverseWordsTask.Generate(50, 3));
        Assert.NotEqual(ReverseWordsTask.Generate(50, 3), ReverseWordsTask.Generate(50, 4));
    }

    [Fact]
    public void Task_files_fit_128_tokens_with_the_byte_level_tokenizer()
    {
        var data = DatasetPreparer.Prepare(
            RepositoryFile("examples", "data", "reverse-words", "train.jsonl"),
            RepositoryFile("examples", "data", "reverse-words", "validation.jsonl"),
            TestTokenizers.ByteLevel,
            new DatasetOptions { Format = DatasetFormat.Instruction, SequenceLength = 128, Truncation = TruncationMode.Error });
        Assert.Equal(TrainCount, data.Train.Count);
        Assert.Equal(ValidationCount, data.Validation.Count);
        Assert.All(data.Train, e => Assert.EndsWith("<|endoftext|>", TestTokenizers.Targets(e.Sequence)));
    }
}
