using System.Text.Json;
using System.Text.Json.Nodes;

namespace FineTune.Api.Validation;

/// <summary>
/// Evaluates the x-kubernetes-validations rules of a schema over a value, binding <c>self</c> (and <c>oldSelf</c> on
/// updates) as Kubernetes does. Values are converted by their schema type, so an integer written where a number is
/// expected is still a double in CEL. A rule whose result is anything but <c>true</c> fails.
/// </summary>
/// <remarks>
/// On updates the old value is correlated the way the API server does it: object properties and map values by key,
/// list items not at all (atomic lists). A rule that does not read <c>oldSelf</c> is ratcheted, as in Kubernetes 1.33:
/// where the correlated old value equals the new one its errors are ignored, so it is not evaluated at all. That is
/// what makes a status write cheap: the unchanged spec's rules are skipped. Transition rules run whenever an old value
/// is correlated, and never otherwise. Every rule is compiled once, each value is converted to CEL once per call, and
/// the outcomes of the rules that do not read <c>oldSelf</c> are remembered per value (the Cel package interprets
/// its syntax tree on every call, about 0.1 ms per rule on this machine).
/// </remarks>
public static class CelRuleEvaluator
{
    /// <summary>
    /// Adds a message for every failing rule under <paramref name="path"/>. Rules that cannot be evaluated are reported
    /// only when <paramref name="reportEvaluationErrors"/> is set (they are expected while the value has type errors).
    /// <paramref name="oldNode"/> is the stored value on updates, otherwise null.
    /// </summary>
    public static void Evaluate(StructuralSchema schema, JsonNode? node, JsonNode? oldNode, string path,
        List<ValidationError> errors, bool reportEvaluationErrors)
    {
        var walk = new Walk(errors, reportEvaluationErrors);
        walk.Visit(schema, node, oldNode, path, Correlation.Unknown);
    }

    /// <summary>Null when <paramref name="expression"/> compiles in the rule environment, otherwise the compiler's message.</summary>
    public static string? CompileError(string expression)
    {
        try
        {
            CelPrograms.Get(expression);
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return e.Message;
        }
    }

    /// <summary>What is known about a node's old value: nothing yet, or that it equals the new one.</summary>
    private enum Correlation
    {
        Unknown,
        Unchanged,
    }

    /// <summary>One evaluation: the errors found so far and the CEL form of every value converted so far.</summary>
    private sealed class Walk(List<ValidationError> errors, bool reportEvaluationErrors)
    {
        private readonly Dictionary<JsonNode, object?> _converted = new(ReferenceEqualityComparer.Instance);

        public void Visit(StructuralSchema schema, JsonNode? node, JsonNode? oldNode, string path, Correlation correlation)
        {
            if (node is null)
            {
                return;
            }

            var compiled = CompiledSchemaRules.Of(schema);
            if (!compiled.HasRulesBelow)
            {
                return;
            }

            if (oldNode is not null && correlation == Correlation.Unknown && JsonNode.DeepEquals(node, oldNode))
            {
                correlation = Correlation.Unchanged;
            }

            if (compiled.Rules.Count > 0)
            {
                EvaluateRules(schema, compiled, node, oldNode, path, unchanged: correlation == Correlation.Unchanged);
            }

            switch (node)
            {
                case JsonObject obj:
                    var oldObj = oldNode as JsonObject;
                    foreach (var (name, value) in obj)
                    {
                        var child = schema.Property(name) ?? schema.AdditionalProperties;
                        if (child is not null)
                        {
                            // Properties correlate by name; an unchanged object has unchanged properties.
                            Visit(child, value, oldObj?[name], FieldPath.Child(path, name), correlation);
                        }
                    }

                    break;
                case JsonArray list when schema.Items is not null:
                    // Items of atomic lists (the only kind these schemas declare) have no old value in Kubernetes.
                    for (var i = 0; i < list.Count; i++)
                    {
                        Visit(schema.Items, list[i], null, FieldPath.Index(path, i), Correlation.Unknown);
                    }

                    break;
            }
        }

        private void EvaluateRules(StructuralSchema schema, CompiledSchemaRules compiled, JsonNode node, JsonNode? oldNode,
            string path, bool unchanged)
        {
            var rules = compiled.Rules;
            var plain = unchanged || !compiled.HasPlainRules
                ? null
                : compiled.Outcomes(node.ToJsonString(), () => rules.Select(r => r.UsesOldSelf ? RuleOutcome.Pass : Run(r, schema, node, null)).ToArray());
            for (var i = 0; i < rules.Count; i++)
            {
                var rule = rules[i];
                RuleOutcome outcome;
                if (rule.UsesOldSelf)
                {
                    if (oldNode is null)
                    {
                        continue;
                    }

                    outcome = Run(rule, schema, node, oldNode);
                }
                else if (plain is null)
                {
                    continue;
                }
                else
                {
                    outcome = plain[i];
                }

                if (outcome.Passed)
                {
                    continue;
                }

                if (!outcome.CouldNotEvaluate)
                {
                    errors.Add(new ValidationError(FieldPath.Relative(path, rule.Rule.FieldPath), outcome.Message!));
                }
                else if (reportEvaluationErrors)
                {
                    errors.Add(new ValidationError(path, outcome.Message!));
                }
            }
        }

        private RuleOutcome Run(CompiledRule rule, StructuralSchema schema, JsonNode node, JsonNode? oldNode)
        {
            var variables = new Dictionary<string, object?> { ["self"] = ToCel(schema, node) };
            if (oldNode is not null)
            {
                variables["oldSelf"] = ToCel(schema, oldNode);
            }

            try
            {
                return rule.Evaluate(variables) is true ? RuleOutcome.Pass : new RuleOutcome(false, MessageOf(rule.Rule, variables), false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return new RuleOutcome(false, $"rule {rule.Rule.Rule} could not be evaluated: {e.Message}", true);
            }
        }

        /// <summary>The value as CEL sees it: maps, lists, long, double, string, bool. Converted once per node.</summary>
        private object? ToCel(StructuralSchema? schema, JsonNode? node)
        {
            if (node is null)
            {
                return null;
            }

            if (_converted.TryGetValue(node, out var known))
            {
                return known;
            }

            object? value = node switch
            {
                JsonObject obj => obj.Where(p => p.Value is not null).ToDictionary(
                    p => p.Key,
                    p => ToCel(schema?.Property(p.Key) ?? schema?.AdditionalProperties, p.Value)),
                JsonArray list => list.Select(item => ToCel(schema?.Items, item)).ToList(),
                JsonValue scalar => scalar.GetValueKind() switch
                {
                    JsonValueKind.String => (string)scalar!,
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Number when schema?.Type == "number" => JsonNumbers.AsDouble(scalar),
                    JsonValueKind.Number => JsonNumbers.AsLong(scalar) is { } l ? l : JsonNumbers.AsDouble(scalar),
                    _ => null,
                },
                _ => null,
            };
            _converted[node] = value;
            return value;
        }
    }

    private static string MessageOf(CelRule rule, Dictionary<string, object?> variables)
    {
        if (rule.MessageExpression is not null)
        {
            try
            {
                if (CelPrograms.Get(rule.MessageExpression)(variables) is string message && message.Length > 0)
                {
                    return message;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Kubernetes falls back to the fixed message (or the rule) when messageExpression fails.
            }
        }

        return string.IsNullOrEmpty(rule.Message) ? $"failed rule: {rule.Rule}" : rule.Message;
    }
}
