using System.Reflection;
using FineTune.Api.Schema;

namespace FineTune.Api.Validation;

/// <summary>
/// The words for what a pattern accepts, taken from the [Pattern] attributes of the API types, so a message says
/// "must be a Kubernetes quantity such as 4, 500m or 32Gi" rather than quoting a regular expression.
/// </summary>
public static class PatternHints
{
    private static readonly Lazy<Dictionary<string, string>> Hints = new(() =>
        typeof(PatternHints).Assembly.GetTypes()
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(p => p.GetCustomAttribute<PatternAttribute>())
            .OfType<PatternAttribute>()
            .GroupBy(a => a.Regex)
            .ToDictionary(g => g.Key, g => g.First().Accepted));

    /// <summary>What the pattern accepts, in words; the expression itself when it is not one of ours.</summary>
    public static string Describe(string regex) =>
        Hints.Value.TryGetValue(regex, out var words) ? words : $"a string matching {regex}";
}
