using FineTune.LocalCluster.Runner;

namespace FineTune.LocalCluster.Tests.Runner;

public sealed class EnvironmentResolverTests
{
    private static readonly Dictionary<string, string> Defined = new() { ["A"] = "one", ["B"] = "two" };

    [Theory]
    [InlineData("$(A)-$(B)", "one-two")]
    [InlineData("$(MISSING)", "$(MISSING)")]
    [InlineData("$$(A)", "$(A)")]
    [InlineData("cost $5", "cost $5")]
    [InlineData("end$", "end$")]
    [InlineData("$(A", "$(A")]
    public void References_to_defined_variables_expand_as_the_kubelet_expands_them(string text, string expected) =>
        Assert.Equal(expected, EnvironmentResolver.Expand(text, Defined));
}
