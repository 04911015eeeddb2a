namespace FineTune.Api.Validation;

/// <summary>One rule with its programs; compile errors surface when the rule is first evaluated.</summary>
internal sealed class CompiledRule(CelRule rule)
{
    private readonly Lazy<Func<IDictionary<string, object?>, object?>> _program = new(() => CelPrograms.Get(rule.Rule));

    /// <summary>The rule as written in the schema.</summary>
    public CelRule Rule { get; } = rule;

    /// <summary>
    /// A transition rule (it reads <c>oldSelf</c>): evaluated only when an old value is correlated, and never ratcheted.
    /// </summary>
    public bool UsesOldSelf { get; } = rule.Rule.Contains("oldSelf", StringComparison.Ordinal);

    /// <summary>Runs the rule; throws when it cannot be compiled or evaluated.</summary>
    public object? Evaluate(IDictionary<string, object?> variables) => _program.Value(variables);
}
