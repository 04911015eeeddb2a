using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Data;

namespace FineTune.Trainer.Tests.Data;

public sealed class SequenceLengthTests
{
    private static readonly string LongText = "{\"text\": \"" + new string('x', 40) + "\"}";

    [Fact]
    public void Long_records_are_truncated_and_counted()
    {
        using var dir = new TempDirectory();
        var path = dir.File("train.jsonl", LongText + "\n{\"text\": \"short\"}\n");
        var data = DatasetPreparer.Prepare(path, null, TestTokenizers.ByteLevel, new DatasetOptions { SequenceLength = 16 });
        Assert.Equal([16, 6], data.Train.Select(e => e.Sequence.Length));
        Assert.Equal(new string('x', 16), TestTokenizers.Text(data.Train[0].Sequence));
        Assert.Equal(1, data.TrainStatistics.TruncatedRecords);
        Assert.Contains(data.Warnings(), w => w.Contains("1 record(s) were longer than hyperparameters.sequenceLength and were truncated"));
    }

    [Fact]
    public void Long_records_are_an_error_naming_the_line_when_truncation_is_error()
    {
        using var dir = new TempDirectory();
        var path = dir.File("train.jsonl", "{\"text\": \"short\"}\n" + LongText + "\n");
        var error = Assert.Throws<DatasetException>(() => DatasetPreparer.Prepare(path, null, TestTokenizers.ByteLevel,
            new DatasetOptions { SequenceLength = 16, Truncation = TruncationMode.Error }));
        Assert.Equal(
            $"{path}:2: the record has 41 tokens, more than hyperparameters.sequenceLength 16; expected a shorter record, or set dataset.truncation: truncate",
            error.Message);
    }

    [Fact]
    public void Records_whose_completion_is_cut_off_entirely_are_dropped_and_counted()
    {
        using var dir = new TempDirectory();
        var longPrompt = "{\"instruction\": \"" + new string('p', 40) + "\", \"output\": \"o\"}";
        var path = dir.File("train.jsonl", longPrompt + "\n{\"instruction\": \"i\", \"output\": \"o\"}\n");
        var data = DatasetPreparer.Prepare(path, null, TestTokenizers.ByteLevel,
            new DatasetOptions { Format = DatasetFormat.Instruction, SequenceLength = 40 });
        Assert.Equal([2L], data.Train.Select(e => e.Line));
        Assert.Equal(1, data.TrainStatistics.RecordsWithoutTargets);
        Assert.All(data.Train, e => Assert.True(e.Sequence.TargetCount > 0));
    }

    [Fact]
    public void Packing_fills_sequences_to_the_full_length_and_keeps_every_token()
    {
        using var dir = new TempDirectory();
        var lines = Enumerable.Range(0, 10).Select(i => $"{{\"text\": \"record {i} {new string('z', i)}\"}}");
        var path = dir.File("train.jsonl", string.Join("\n", lines));
        var plain = DatasetPreparer.Prepare(path, null, TestTokenizers.ByteLevel, new DatasetOptions { SequenceLength = 32 });
        var packed = DatasetPreparer.Prepare(path, null, TestTokenizers.ByteLevel, new DatasetOptions { SequenceLength = 32, Packing = true });

        Assert.All(packed.Train.SkipLast(1), e => Assert.Equal(32, e.Sequence.Length));
        Assert.InRange(packed.Train[^1].Sequence.Length, 1, 32);
        Assert.Equal(plain.Train.SelectMany(e => e.Sequence.InputIds), packed.Train.SelectMany(e => e.Sequence.InputIds));
        Assert.Equal(plain.Train.SelectMany(e => e.Sequence.Labels), packed.Train.SelectMany(e => e.Sequence.Labels));
        Assert.True(packed.Train.Count < plain.Train.Count);
    }
}
