using FineTune.Operator.Runtime;

namespace FineTune.Operator.Tests.Runtime;

public class RetryBackoffTests
{
    [Fact]
    public void Delay_doubles_per_failure_up_to_the_cap()
    {
        var backoff = new RetryBackoff<string>(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        var delays = Enumerable.Range(0, 6).Select(_ => backoff.NextDelay("ml/a").TotalSeconds).ToArray();
        Assert.Equal([1, 2, 4, 8, 10, 10], delays);
        Assert.Equal(6, backoff.Failures("ml/a"));
    }

    [Fact]
    public void Keys_back_off_independently_and_success_resets()
    {
        var backoff = new RetryBackoff<string>(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        backoff.NextDelay("ml/a");
        backoff.NextDelay("ml/a");
        Assert.Equal(TimeSpan.FromMilliseconds(100), backoff.NextDelay("ml/b"));
        backoff.Forget("ml/a");
        Assert.Equal(TimeSpan.FromMilliseconds(100), backoff.NextDelay("ml/a"));
    }

    [Fact]
    public void Many_failures_do_not_overflow()
    {
        var backoff = new RetryBackoff<string>(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        for (var i = 0; i < 200; i++)
            backoff.NextDelay("ml/a");
        Assert.Equal(TimeSpan.FromMinutes(5), backoff.NextDelay("ml/a"));
    }
}
