using FineTune.Api.V1Alpha1;
using FineTune.Operator.Runtime;
using FineTune.Operator.Tests.Support;
using k8s.Models;

namespace FineTune.Operator.Tests.Runtime;

public sealed class WriteExpectationsTests
{
    private static FineTuneJob Job(string resourceVersion)
    {
        var job = TestJobs.Lora("a");
        job.Metadata.ResourceVersion = resourceVersion;
        return job;
    }

    private static V1Job Child(string name) => new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "ml" } };

    [Fact]
    public void A_cached_copy_older_than_the_operators_own_write_is_not_current()
    {
        var expectations = new WriteExpectations();
        expectations.Wrote("ml/a", "42");

        Assert.False(expectations.Reflects("ml/a", Job("41")));
        Assert.False(expectations.Reflects("ml/a", Job("9")));
        Assert.True(expectations.Reflects("ml/b", Job("1")));
    }

    [Fact]
    public void The_written_version_or_a_newer_one_is_current_and_clears_the_expectation()
    {
        var expectations = new WriteExpectations();
        expectations.Wrote("ml/a", "42");

        Assert.True(expectations.Reflects("ml/a", Job("43")));
        // Met once, nothing is expected any more.
        Assert.True(expectations.Reflects("ml/a", Job("7")));
    }

    [Fact]
    public void Non_numeric_resource_versions_are_only_current_when_equal()
    {
        var expectations = new WriteExpectations();
        expectations.Wrote("ml/a", "abc");

        Assert.False(expectations.Reflects("ml/a", Job("abd")));
        Assert.True(expectations.Reflects("ml/a", Job("abc")));
    }

    [Fact]
    public void A_cache_without_a_created_job_is_not_current_until_it_shows_it()
    {
        var expectations = new WriteExpectations();
        expectations.Created("ml/a", "a-run-train-1");

        Assert.False(expectations.Reflects("ml/a", []));
        Assert.False(expectations.Reflects("ml/a", [Child("other")]));
        Assert.True(expectations.Reflects("ml/a", [Child("a-run-train-1")]));
        // Once seen, a later deletion of the Job is news from the cache, not lag.
        Assert.True(expectations.Reflects("ml/a", []));
    }

    [Fact]
    public void A_list_from_the_api_server_ends_the_wait_for_created_jobs()
    {
        var expectations = new WriteExpectations();
        expectations.Created("ml/a", "a-run-train-1");
        expectations.Listed("ml/a");

        // Deleted before the cache ever showed it: the cache is current without it.
        Assert.True(expectations.Reflects("ml/a", []));
    }

    [Fact]
    public void Forgetting_a_job_drops_what_was_expected_of_it()
    {
        var expectations = new WriteExpectations();
        expectations.Wrote("ml/a", "42");
        expectations.Created("ml/a", "a-run-train-1");
        expectations.Forget("ml/a");

        Assert.True(expectations.Reflects("ml/a", Job("1")));
        Assert.True(expectations.Reflects("ml/a", []));
    }
}
