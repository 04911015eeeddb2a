using System.Text.Json;
using FineTune.Trainer.Data;
using FineTune.Trainer.Data.Batching;

namespace FineTune.Trainer.Tests.Data.Batching;

public sealed class BatchIteratorTests
{
    // Example i holds the single token i, so a batch's ids name the examples in it.
    private static readonly Example[] Examples = [.. Enumerable.Range(0, 10).Select(i => new Example(new TokenSequence([i], [i]), i + 1))];

    private static long[] Take(BatchIterator iterator, int batches) =>
        [.. Enumerable.Range(0, batches).SelectMany(_ => iterator.Next().InputIds)];

    [Fact]
    public void Every_epoch_visits_each_example_once_in_a_new_order()
    {
        var iterator = new BatchIterator(Examples, batchSize: 4, padId: 0, seed: 5);
        Assert.Equal(3, iterator.BatchesPerEpoch);
        var epoch0 = Take(iterator, 3);
        var epoch1 = Take(iterator, 3);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), epoch0.Order());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), epoch1.Order());
        Assert.NotEqual(epoch0, epoch1);
        Assert.Equal(new DataPosition(1, 10, 5, 10), iterator.Position);
    }

    [Fact]
    public void Same_seed_gives_same_batches_and_another_seed_others()
    {
        Assert.Equal(Take(new BatchIterator(Examples, 3, 0, seed: 1), 8), Take(new BatchIterator(Examples, 3, 0, seed: 1), 8));
        Assert.NotEqual(Take(new BatchIterator(Examples, 3, 0, seed: 1), 8), Take(new BatchIterator(Examples, 3, 0, seed: 2), 8));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    public void Resuming_from_a_saved_position_continues_exactly(int batchesBeforeSave)
    {
        var straight = new BatchIterator(Examples, 3, 0, seed: 9);
        Take(straight, batchesBeforeSave);
        var expected = Enumerable.Range(0, 6).Select(_ => straight.Next().InputIds).ToList();

        var first = new BatchIterator(Examples, 3, 0, seed: 9);
        Take(first, batchesBeforeSave);
        var saved = JsonSerializer.Serialize(first.Position);
        var resumed = new BatchIterator(Examples, 3, 0, seed: 9, start: JsonSerializer.Deserialize<DataPosition>(saved));

        Assert.Equal(expected, Enumerable.Range(0, 6).Select(_ => resumed.Next().InputIds));
        Assert.Equal(straight.Position, resumed.Position);
    }

    [Fact]
    public void Without_shuffling_examples_come_in_order()
    {
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), Take(new BatchIterator(Examples, 4, 0, seed: 1, shuffle: false), 3));
    }

    [Fact]
    public void Drop_last_gives_only_full_batches()
    {
        var iterator = new BatchIterator(Examples, 4, 0, seed: 1, dropLast: true);
        Assert.Equal(2, iterator.BatchesPerEpoch);
        Assert.All(Enumerable.Range(0, 5), _ => Assert.Equal(4, iterator.Next().Size));
    }

    [Fact]
    public void A_position_from_another_dataset_or_seed_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new BatchIterator(Examples, 3, 0, seed: 9, start: new DataPosition(0, 3, 9, 11)));
        Assert.Contains("the dataset or seed changed since the checkpoint", error.Message);
        Assert.Throws<InvalidOperationException>(() => new BatchIterator(Examples, 3, 0, seed: 8, start: new DataPosition(0, 3, 9, 10)));
    }
}
