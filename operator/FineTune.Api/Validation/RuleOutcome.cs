namespace FineTune.Api.Validation;

/// <summary>What one rule said about one value.</summary>
/// <param name="Passed">The rule returned <c>true</c>.</param>
/// <param name="Message">The failure message, or the evaluation error's message.</param>
/// <param name="CouldNotEvaluate">The rule threw instead of returning a value.</param>
internal sealed record RuleOutcome(bool Passed, string? Message, bool CouldNotEvaluate)
{
    /// <summary>The outcome of a rule that held.</summary>
    public static readonly RuleOutcome Pass = new(true, null, false);
}
