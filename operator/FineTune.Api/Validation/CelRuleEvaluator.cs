using System.Collections;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cel;

namespace FineTune.Api.Validation;

/// <summary>
/// Evaluates the x-kubernetes-validations rules of a schema over a value, binding <c>self</c> (and <c>oldSelf</c> on
/// updates) as Kubernetes does. Values are converted by their schema type, so an integer written where a number is
/// expected is still a double in CEL. A rule whose result is anything but <c>true</c> fails.
/// </summary>
public static class CelRuleEvaluator
{
    private static readonly Lock CompileLock = new();
    private static readonly CelEnvironment Environment = CreateEnvironment();
    private static readonly ConcurrentDictionary<string, Func<IDictionary<string, object?>, object?>> Programs = new();

    /// <summary>
    /// Adds a message for every failing rule under <paramref name="path"/>. Rules that cannot be evaluated are reported
    /// only when <paramref name="reportEvaluationErrors"/> is set (they are expected while the value has type errors).
    /// </summary>
    public static void Evaluate(StructuralSchema schema, JsonNode? node, JsonNode? oldNode, string path,
        List<ValidationError> errors, bool reportEvaluationErrors)
    {
        if (node is null)
        {
            return;
        }

        if (schema.Rules.Count > 0)
        {
            var self = ToCel(schema, node);
            var oldSelf = oldNode is null ? null : ToCel(schema, oldNode);
            foreach (var rule in schema.Rules)
            {
                var referencesOld = rule.Rule.Contains("oldSelf", StringComparison.Ordinal);
                if (referencesOld && oldNode is null)
                {
                    continue;
                }

                var variables = new Dictionary<string, object?> { ["self"] = self };
                if (referencesOld)
                {
                    variables["oldSelf"] = oldSelf;
                }

                object? result;
                try
                {
                    result = Program(rule.Rule)(variables);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    if (reportEvaluationErrors)
                    {
                        errors.Add(new ValidationError(path, $"rule {rule.Rule} could not be evaluated: {e.Message}"));
                    }

                    continue;
                }

                if (result is not true)
                {
                    errors.Add(new ValidationError(FieldPath.Relative(path, rule.FieldPath), MessageOf(rule, variables)));
                }
            }
        }

        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    var child = schema.Property(name) ?? schema.AdditionalProperties;
                    if (child is not null)
                    {
                        Evaluate(child, value, (oldNode as JsonObject)?[name], FieldPath.Child(path, name), errors, reportEvaluationErrors);
                    }
                }

                break;
            case JsonArray list when schema.Items is not null:
                for (var i = 0; i < list.Count; i++)
                {
                    Evaluate(schema.Items, list[i], null, FieldPath.Index(path, i), errors, reportEvaluationErrors);
                }

                break;
        }
    }

    /// <summary>Null when <paramref name="expression"/> compiles in the rule environment, otherwise the compiler's message.</summary>
    public static string? CompileError(string expression)
    {
        try
        {
            Program(expression);
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return e.Message;
        }
    }

    private static string MessageOf(CelRule rule, Dictionary<string, object?> variables)
    {
        if (rule.MessageExpression is not null)
        {
            try
            {
                if (Program(rule.MessageExpression)(variables) is string message && message.Length > 0)
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

    private static Func<IDictionary<string, object?>, object?> Program(string expression) =>
        Programs.GetOrAdd(expression, e =>
        {
            lock (CompileLock)
            {
                var compiled = Environment.Compile(e);
                return variables => compiled(variables);
            }
        });

    private static CelEnvironment CreateEnvironment()
    {
        var environment = new CelEnvironment(null, null);

        // Kubernetes' CEL library has the strings extension's list.join(separator); the Cel package does not.
        environment.RegisterFunction("join", [typeof(IList), typeof(string)],
            args => string.Join((string)args[1]!, ((IList)args[0]!).Cast<object?>().Select(o => o?.ToString())));
        return environment;
    }

    /// <summary>The value as CEL sees it: maps, lists, long, double, string, bool.</summary>
    private static object? ToCel(StructuralSchema? schema, JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.Where(p => p.Value is not null).ToDictionary(
            p => p.Key,
            p => ToCel(schema?.Property(p.Key) ?? schema?.AdditionalProperties, p.Value)),
        JsonArray list => list.Select(item => ToCel(schema?.Items, item)).ToList(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => (string)value!,
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when schema?.Type == "number" => JsonNumbers.AsDouble(value),
            JsonValueKind.Number => JsonNumbers.AsLong(value) is { } l ? l : JsonNumbers.AsDouble(value),
            _ => null,
        },
        _ => null,
    };
}
