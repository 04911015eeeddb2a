using FineTune.Trainer.Data;
using FineTune.Trainer.Data.Batching;

namespace FineTune.Trainer.Tests.Data.Batching;

public sealed class BatchCollatorTests
{
    private static Example Lm(int[] ids, int masked = 0) =>
        new(new TokenSequence(ids, [.. ids.Select((id, i) => i < masked ? TokenSequence.IgnoreIndex : id)]), 1);

    [Fact]
    public void Right_padding_masks_attention_and_labels()
    {
        var batch = BatchCollator.Collate([Lm([1, 2, 3], masked: 1), Lm([4])], padId: 9);
        Assert.Equal((2, 3), (batch.Size, batch.Length));
        Assert.Equal([1, 2, 3, 4, 9, 9], batch.InputIds);
        Assert.Equal([1, 1, 1, 1, 0, 0], batch.AttentionMask);
        Assert.Equal([-100, 2, 3, 4, -100, -100], batch.Labels);
        Assert.Equal(3, batch.TargetCount);
        Assert.Equal(4, batch.TokenCount);
    }

    [Fact]
    public void Left_padding_puts_every_last_token_in_the_last_column()
    {
        var batch = BatchCollator.Collate([Lm([1, 2, 3]), Lm([4])], padId: 9, PaddingSide.Left);
        Assert.Equal([1, 2, 3, 9, 9, 4], batch.InputIds);
        Assert.Equal([1, 1, 1, 0, 0, 1], batch.AttentionMask);
    }

    [Fact]
    public void Preference_pairs_are_padded_to_one_shared_length()
    {
        var pair = new Example(new TokenSequence([1, 2], [-100, 2]), 1, Rejected: new TokenSequence([1, 3, 3, 3], [-100, 3, 3, 3]), PromptLength: 1);
        var batch = BatchCollator.Collate([pair], padId: 0);
        Assert.Equal(4, batch.Length);
        Assert.Equal(4, batch.Rejected!.Length);
        Assert.Equal([1, 2, 0, 0], batch.InputIds);
        Assert.Equal([1, 3, 3, 3], batch.Rejected.InputIds);
        Assert.Equal([1], batch.PromptLengths);
    }

    [Fact]
    public void Class_labels_become_one_per_row()
    {
        var batch = BatchCollator.Collate([new Example(new TokenSequence([5], [-100]), 1, ClassLabel: 2), new Example(new TokenSequence([6, 7], [-100, -100]), 2, ClassLabel: 0)], padId: 0);
        Assert.Equal([2, 0], batch.ClassLabels!);
        Assert.Equal([1L, 2L], batch.Lines);
    }
}
