using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace FineTune.Api.Validation;

/// <summary>
/// The x-kubernetes-validations of one schema node, compiled once: each rule's program (and message program), whether
/// it is a transition rule, and whether any rule exists at or below the node, so rule-free subtrees are not walked.
/// Built lazily per <see cref="StructuralSchema"/> instance and kept as long as the schema lives.
/// </summary>
/// <remarks>
/// The Cel package interprets its syntax tree on every call (about 0.1 ms per rule here), so the outcomes of the
/// rules that do not read <c>oldSelf</c> are also remembered per value: a rule is a pure function of <c>self</c>, and
/// an operator writes the same spec fragments (hyperparameters, resources, the spec itself on status-only changes of
/// other replicas) over and over. The memory is bounded: it is emptied when it reaches <see cref="MaxRemembered"/>.
/// </remarks>
internal sealed class CompiledSchemaRules
{
    private static readonly ConditionalWeakTable<StructuralSchema, CompiledSchemaRules> Cache = new();

    /// <summary>Values remembered per schema node before the memory is emptied.</summary>
    public const int MaxRemembered = 4096;

    private readonly ConcurrentDictionary<string, RuleOutcome[]> _outcomes = new(StringComparer.Ordinal);

    private CompiledSchemaRules(IReadOnlyList<CompiledRule> rules, bool hasRulesBelow)
    {
        Rules = rules;
        HasRulesBelow = hasRulesBelow;
        HasPlainRules = rules.Any(r => !r.UsesOldSelf);
    }

    /// <summary>The node's own rules, in declaration order.</summary>
    public IReadOnlyList<CompiledRule> Rules { get; }

    /// <summary>True when at least one of the node's own rules does not read <c>oldSelf</c>.</summary>
    public bool HasPlainRules { get; }

    /// <summary>True when this node or any node under it (properties, map values, list items) has a rule.</summary>
    public bool HasRulesBelow { get; }

    /// <summary>
    /// The outcomes of the node's rules (those that do not read <c>oldSelf</c>; transition rules get
    /// <see cref="RuleOutcome.Pass"/>) for the value whose JSON text is <paramref name="selfJson"/>, computed by
    /// <paramref name="evaluate"/> the first time that value is seen.
    /// </summary>
    public RuleOutcome[] Outcomes(string selfJson, Func<RuleOutcome[]> evaluate)
    {
        if (_outcomes.TryGetValue(selfJson, out var known))
        {
            return known;
        }

        var outcomes = evaluate();
        if (_outcomes.Count >= MaxRemembered)
        {
            _outcomes.Clear();
        }

        _outcomes[selfJson] = outcomes;
        return outcomes;
    }

    /// <summary>The compiled rules of <paramref name="schema"/>.</summary>
    public static CompiledSchemaRules Of(StructuralSchema schema) => Cache.GetValue(schema, Build);

    private static CompiledSchemaRules Build(StructuralSchema schema)
    {
        var rules = schema.Rules.Select(rule => new CompiledRule(rule)).ToList();
        var below = rules.Count > 0
            || schema.Properties.Any(p => Of(p.Value).HasRulesBelow)
            || (schema.AdditionalProperties is { } values && Of(values).HasRulesBelow)
            || (schema.Items is { } items && Of(items).HasRulesBelow);
        return new CompiledSchemaRules(rules, below);
    }
}
