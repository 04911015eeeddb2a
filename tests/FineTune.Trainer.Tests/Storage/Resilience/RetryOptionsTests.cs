using FineTune.Trainer.Storage.Resilience;

namespace FineTune.Trainer.Tests.Storage.Resilience;

public sealed class RetryOptionsTests
{
    [Fact]
    public void Delays_double_from_the_initial_delay_up_to_the_cap()
    {
        var options = new RetryOptions { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(1) };

        Assert.Equal([100, 200, 400, 800, 1000, 1000], Enumerable.Range(1, 6).Select(n => options.BaseDelay(n).TotalMilliseconds));
    }

    [Fact]
    public void Jitter_stays_between_half_and_the_whole_base_delay_and_varies()
    {
        var options = new RetryOptions { InitialDelay = TimeSpan.FromMilliseconds(400), MaxDelay = TimeSpan.FromSeconds(10) };
        var random = new Random(3);

        var delays = Enumerable.Range(0, 200).Select(_ => options.DelayWithJitter(2, random).TotalMilliseconds).ToList();

        Assert.All(delays, d => Assert.InRange(d, 400, 800));
        Assert.True(delays.Distinct().Count() > 100);
    }
}
