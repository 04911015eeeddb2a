using FineTune.Trainer.Data;

namespace FineTune.Trainer.Tests.Data;

public sealed class ValidationSplitTests
{
    private static string WriteRecords(TempDirectory dir, int count) =>
        dir.File("train.jsonl", string.Join("\n", Enumerable.Range(0, count).Select(i => $"{{\"text\": \"record {i}\"}}")));

    [Fact]
    public void Split_holds_out_the_requested_share_disjointly_and_repeatably()
    {
        using var dir = new TempDirectory();
        var path = WriteRecords(dir, 100);
        var options = new DatasetOptions { ValidationSplit = 0.2, Seed = 3 };
        var first = DatasetPreparer.Prepare(path, null, TestTokenizers.ByteLevel, options);
        var again = DatasetPreparer.Prepare(path, null, TestTokenizers.ByteLevel, options);

        Assert.Equal(20, first.Validation.Count);
        Assert.Equal(80, first.Train.Count);
        Assert.Empty(first.Train.Select(e => e.Line).Intersect(first.Validation.Select(e => e.Line)));
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), first.Train.Concat(first.Validation).Select(e => e.Line).Order());
        Assert.Equal(first.Validation.Select(e => e.Line), again.Validation.Select(e => e.Line));
    }

    [Fact]
    public void Split_depends_on_the_seed()
    {
        using var dir = new TempDirectory();
        var path = WriteRecords(dir, 100);
        var a = DatasetPreparer.Prepare(path, null, TestTokenizers.ByteLevel, new DatasetOptions { ValidationSplit = 0.2, Seed = 1 });
        var b = DatasetPreparer.Prepare(path, null, TestTokenizers.ByteLevel, new DatasetOptions { ValidationSplit = 0.2, Seed = 2 });
        Assert.NotEqual(a.Validation.Select(e => e.Line), b.Validation.Select(e => e.Line));
    }

    [Fact]
    public void Max_samples_limits_training_records_after_the_split()
    {
        using var dir = new TempDirectory();
        var path = WriteRecords(dir, 50);
        var limited = DatasetPreparer.Prepare(path, null, TestTokenizers.ByteLevel, new DatasetOptions { ValidationSplit = 0.1, MaxSamples = 7 });
        Assert.Equal(7, limited.Train.Count);
        Assert.Equal(5, limited.Validation.Count);
        var plain = DatasetPreparer.Prepare(path, null, TestTokenizers.ByteLevel, new DatasetOptions { MaxSamples = 7 });
        Assert.Equal(Enumerable.Range(1, 7).Select(i => (long)i), plain.Train.Select(e => e.Line));
    }

    [Fact]
    public void Validation_file_is_read_with_the_same_format()
    {
        using var dir = new TempDirectory();
        var train = WriteRecords(dir, 5);
        var validation = dir.File("val.jsonl", "{\"text\": \"held\"}\n");
        var data = DatasetPreparer.Prepare(train, validation, TestTokenizers.ByteLevel, new DatasetOptions());
        Assert.Equal(5, data.Train.Count);
        Assert.Equal("held<|endoftext|>", TestTokenizers.Text(data.Validation.Single().Sequence));
        Assert.Equal(validation, data.ValidationStatistics!.File);
    }

    [Fact]
    public void Split_of_a_single_record_is_an_error()
    {
        using var dir = new TempDirectory();
        var path = WriteRecords(dir, 1);
        var error = Assert.Throws<DatasetException>(() => DatasetPreparer.Prepare(path, null, TestTokenizers.ByteLevel, new DatasetOptions { ValidationSplit = 0.1 }));
        Assert.Equal($"{path}: dataset.validationSplit needs at least 2 records to hold some out; the file has 1", error.Message);
    }
}
