using FineTune.Trainer.Methods.Upft;

namespace FineTune.Trainer.Tests.Methods.Upft;

public sealed class StructureShareTests
{
    [Theory]
    [InlineData(1000, 0.1, 100)]
    [InlineData(1000, 0.0, 0)]
    [InlineData(1000, 1.0, 1000)]
    [InlineData(7, 0.5, 4)]   // 3.5 rounds away from zero
    [InlineData(3, 0.1, 0)]
    public void The_share_is_the_ratio_of_the_sample_count_rounded(int count, double ratio, int expected)
    {
        Assert.Equal(expected, StructureShare.Choose(count, ratio, seed: 42).Count(c => c));
        Assert.Equal(expected, StructureShare.Size(count, ratio));
    }

    [Fact]
    public void The_same_seed_picks_the_same_samples_and_another_seed_others()
    {
        var first = StructureShare.Choose(1000, 0.1, seed: 42);
        var again = StructureShare.Choose(1000, 0.1, seed: 42);
        var other = StructureShare.Choose(1000, 0.1, seed: 43);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        // Spread over the whole set, not bunched at its start: each half holds a fair part of the 100.
        Assert.InRange(first.Take(500).Count(c => c), 30, 70);
    }

    [Fact]
    public void The_sampler_marks_exactly_the_chosen_share_for_its_seed()
    {
        var settings = UpftTestData.Settings(prefixTokens: 1, structureRatio: 0.3, samplesPerPrompt: 4, maxNewTokens: 1);
        var set = UpftTestData.Sample(UpftTestData.Model(), UpftTestData.Prompts(10, settings), settings);

        Assert.Equal(12, set.StructureCount);
        Assert.Equal(StructureShare.Choose(40, 0.3, settings.Seed), set.Samples.Select(s => s.Structure));
    }
}
