using FineTune.Operator.Builders;

namespace FineTune.Operator.Tests.Builders;

public class ResourceNamesTests
{
    [Fact]
    public void Training_job_names_are_deterministic_and_distinct_per_run_stage_and_iteration()
    {
        var a = ResourceNames.TrainingJob("bot", "run-1", "sft", 1);
        Assert.Equal(a, ResourceNames.TrainingJob("bot", "run-1", "sft", 1));
        var others = new[]
        {
            ResourceNames.TrainingJob("bot", "run-2", "sft", 1),
            ResourceNames.TrainingJob("bot", "run-1", "ppo", 1),
            ResourceNames.TrainingJob("bot", "run-1", "sft", 2),
        };
        Assert.DoesNotContain(a, others);
        Assert.Equal(others.Length, others.Distinct().Count());
        Assert.Matches("^bot-[0-9a-f]{6}-sft-1$", a);
    }

    [Fact]
    public void Long_job_names_are_cut_to_the_pod_label_limit_without_a_trailing_dash()
    {
        var name = ResourceNames.TrainingJob(new string('a', 40) + "-" + new string('b', 40), "run", "reward", 12);
        Assert.True(name.Length <= 63, name);
        Assert.EndsWith("-reward-12", name);
        Assert.DoesNotContain("--", name);
    }
}
