using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Data;

namespace FineTune.Trainer.Tests.Data;

public sealed class MalformedRecordTests
{
    private const string GoodText = """{"text": "fine"}""";
    private const string GoodInstruction = """{"instruction": "i", "output": "o"}""";
    private const string GoodChat = """{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}""";
    private const string GoodClassification = """{"text": "t", "label": 0}""";
    private const string GoodPreference = """{"prompt": "p", "chosen": "a", "rejected": "b"}""";
    private const string GoodPrompt = """{"prompt": "p"}""";

    // Each row: format, a valid first line, the malformed second line, the exact problem reported for line 2.
    public static TheoryData<DatasetFormat, string, string, string> Rows => new()
    {
        { DatasetFormat.Text, GoodText, "{\"text\": \"unterminated", "not valid JSON (" },
        { DatasetFormat.Text, GoodText, "[1, 2]", "the line is an array of 2 item(s); expected a JSON object shaped {\"text\": \"...\"} or {\"input_ids\": [1, 2, ...]}" },
        { DatasetFormat.Text, GoodText, "{\"txt\": \"typo\"}", "missing field \"text\" (or \"input_ids\"); expected {\"text\": \"...\"} or {\"input_ids\": [1, 2, ...]}" },
        { DatasetFormat.Text, GoodText, "{\"text\": 42}", "field \"text\" is the number 42; expected a string" },
        { DatasetFormat.Text, GoodText, "{\"input_ids\": \"1 2 3\"}", "field \"input_ids\" is the string \"1 2 3\"; expected an array of token ids" },
        { DatasetFormat.Text, GoodText, "{\"input_ids\": [1, 2.5]}", "input_ids[1] is the number 2.5; expected an integer token id" },
        { DatasetFormat.Text, GoodText, "{\"input_ids\": [1, 9999]}", "input_ids[1] is 9999; expected a token id from 0 to 263 (the tokenizer's vocabulary)" },
        { DatasetFormat.Text, GoodText, "{\"input_ids\": []}", "field \"input_ids\" is empty; expected at least one token id" },
        { DatasetFormat.Instruction, GoodInstruction, "{\"instruction\": \"i\"}", "missing field \"output\"; expected {\"instruction\": \"...\", \"input\": \"...\" (optional), \"output\": \"...\"}" },
        { DatasetFormat.Instruction, GoodInstruction, "{\"instruction\": \"i\", \"input\": [\"x\"], \"output\": \"o\"}", "field \"input\" is an array of 1 item(s); expected a string" },
        { DatasetFormat.Instruction, GoodInstruction, "{\"instruction\": \"i\", \"output\": \"\"}", "field \"output\" is empty; expected the response to learn" },
        { DatasetFormat.Chat, GoodChat, "{\"messages\": {\"role\": \"user\"}}", "field \"messages\" is an object; expected an array of {\"role\", \"content\"} objects" },
        { DatasetFormat.Chat, GoodChat, "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"bot\", \"content\": \"a\"}]}", "messages[1].role is \"bot\"; expected one of system, user, assistant" },
        { DatasetFormat.Chat, GoodChat, "{\"messages\": [{\"role\": \"user\"}]}", "messages[0] has no \"content\"; expected a string" },
        { DatasetFormat.Chat, GoodChat, "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}]}", "no message has role \"assistant\"; expected at least one assistant reply to learn" },
        { DatasetFormat.Chat, GoodChat, "{\"messages\": [\"hi\"]}", "messages[0] is the string \"hi\"; expected an object {\"role\", \"content\"}" },
        { DatasetFormat.Classification, GoodClassification, "{\"text\": \"t\"}", "missing field \"label\"; expected {\"text\": \"...\", \"label\": 0 or \"name\"}" },
        { DatasetFormat.Classification, GoodClassification, "{\"text\": \"t\", \"label\": 5}", "field \"label\" is 5; expected a class id from 0 to 2 (model.numLabels is 3)" },
        { DatasetFormat.Classification, GoodClassification, "{\"text\": \"t\", \"label\": \"pos\"}", "field \"label\" is the string \"pos\", but earlier records use integer ids; expected the same kind of label throughout" },
        { DatasetFormat.Classification, GoodClassification, "{\"text\": \"t\", \"label\": true}", "field \"label\" is the boolean true; expected an integer class id or a class name" },
        { DatasetFormat.Preference, GoodPreference, "{\"prompt\": \"p\", \"chosen\": \"a\"}", "missing field \"rejected\"; expected {\"prompt\": \"...\", \"chosen\": \"...\", \"rejected\": \"...\"}" },
        { DatasetFormat.Preference, GoodPreference, "{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"a\"}", "fields \"chosen\" and \"rejected\" are the same text; expected two different answers" },
        { DatasetFormat.Prompt, GoodPrompt, "{\"text\": \"p\"}", "missing field \"prompt\"; expected {\"prompt\": \"...\"}" },
        { DatasetFormat.Prompt, GoodPrompt, "{\"prompt\": \"\"}", "field \"prompt\" is empty; expected the text to continue" },
    };

    private static DatasetOptions Options(DatasetFormat format, bool skip = false) =>
        new() { Format = format, NumLabels = 3, SkipInvalidLines = skip, SequenceLength = 256 };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Malformed_line_is_an_error_naming_file_line_and_expectation(DatasetFormat format, string good, string bad, string problem)
    {
        using var dir = new TempDirectory();
        var path = dir.File("data.jsonl", good + "\n" + bad + "\n" + good + "\n");
        var error = Assert.Throws<DatasetException>(() => DatasetPreparer.Prepare(path, null, TestTokenizers.ByteLevel, Options(format)));
        Assert.Equal(path, error.File);
        Assert.Equal(2, error.Line);
        Assert.StartsWith(problem, error.Problem);
        Assert.StartsWith($"{path}:2: {problem}", error.Message);
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Malformed_line_is_skipped_and_counted_when_the_spec_asks(DatasetFormat format, string good, string bad, string problem)
    {
        using var dir = new TempDirectory();
        var path = dir.File("data.jsonl", good + "\n" + bad + "\n" + good + "\n");
        var data = DatasetPreparer.Prepare(path, null, TestTokenizers.ByteLevel, Options(format, skip: true));
        Assert.Equal([1L, 3L], data.Train.Select(e => e.Line));
        Assert.Equal(1, data.TrainStatistics.SkippedLines);
        Assert.StartsWith($"{path}:2: {problem}", data.TrainStatistics.SkippedMessages.Single());
        Assert.Contains(data.Warnings(), w => w.Contains("1 malformed line(s) were skipped"));
    }

    [Fact]
    public void File_with_only_malformed_lines_is_an_error_even_when_skipping()
    {
        using var dir = new TempDirectory();
        var path = dir.File("data.jsonl", "nope\n{}\n");
        var error = Assert.Throws<DatasetException>(() => DatasetPreparer.Prepare(path, null, TestTokenizers.ByteLevel, Options(DatasetFormat.Text, skip: true)));
        Assert.Contains($"{path}: no usable records (2 malformed line(s) skipped", error.Message);
    }

    [Fact]
    public void Missing_file_is_named()
    {
        var error = Assert.Throws<DatasetException>(() => DatasetPreparer.Prepare("/nonexistent/train.jsonl", null, TestTokenizers.ByteLevel, new DatasetOptions()));
        Assert.Equal("dataset file /nonexistent/train.jsonl does not exist", error.Message);
    }

    [Fact]
    public void Validation_labels_must_be_known_from_training()
    {
        using var dir = new TempDirectory();
        var train = dir.File("train.jsonl", "{\"text\": \"a\", \"label\": \"pos\"}\n{\"text\": \"b\", \"label\": \"neg\"}\n");
        var validation = dir.File("val.jsonl", "{\"text\": \"c\", \"label\": \"neutral\"}\n");
        var error = Assert.Throws<DatasetException>(() => DatasetPreparer.Prepare(train, validation, TestTokenizers.ByteLevel,
            new DatasetOptions { Format = DatasetFormat.Classification }));
        Assert.Equal($"{validation}:1: field \"label\" is \"neutral\", which the training data does not have; expected one of neg, pos", error.Message);
    }

    [Theory]
    [InlineData(DatasetFormat.Classification)]
    [InlineData(DatasetFormat.Preference)]
    [InlineData(DatasetFormat.Prompt)]
    public void Packing_is_refused_for_formats_it_does_not_fit(DatasetFormat format)
    {
        var error = Assert.Throws<DatasetException>(() => DatasetPreparer.Prepare("unused.jsonl", null, TestTokenizers.ByteLevel,
            new DatasetOptions { Format = format, Packing = true }));
        Assert.Contains("dataset.packing applies to text, instruction and chat datasets; format is " + format.ToString().ToLowerInvariant(), error.Message);
    }
}
