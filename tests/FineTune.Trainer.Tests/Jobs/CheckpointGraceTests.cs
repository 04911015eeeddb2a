using FineTune.Api.Contract;
using FineTune.Trainer.Jobs;

namespace FineTune.Trainer.Tests.Jobs;

public sealed class CheckpointGraceTests
{
    private static Func<string, string?> With(string? value) => name => name == TrainerEnvironment.CheckpointGraceSeconds ? value : null;

    [Fact]
    public void The_grace_budget_comes_from_the_environment_and_defaults_to_the_operators_300_seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(45), CheckpointGrace.FromEnvironment(With("45")));
        Assert.Equal(TimeSpan.FromSeconds(2.5), CheckpointGrace.FromEnvironment(With("2.5")));
        Assert.Equal(TimeSpan.FromSeconds(300), CheckpointGrace.FromEnvironment(With(null)));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("soon")]
    public void A_grace_budget_that_is_not_a_positive_number_is_an_error_naming_the_variable_and_value(string value)
    {
        var error = Assert.Throws<JobInputException>(() => CheckpointGrace.FromEnvironment(With(value)));
        Assert.StartsWith($"{TrainerEnvironment.CheckpointGraceSeconds}: '{value}'", error.Message);
    }
}
