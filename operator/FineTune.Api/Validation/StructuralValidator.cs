using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FineTune.Api.Validation;

/// <summary>
/// Checks a JSON value against a structural schema the way the Kubernetes API server does for custom resources:
/// types, unknown fields (rejected, as with fieldValidation=Strict), required fields, enums, bounds, patterns, lengths
/// and item counts. Every problem is reported, each with its path.
/// </summary>
public static class StructuralValidator
{
    private static readonly ConcurrentDictionary<string, Regex> Expressions = new();

    /// <summary>Adds every problem of <paramref name="node"/> at <paramref name="path"/> to <paramref name="errors"/>.</summary>
    public static void Validate(StructuralSchema schema, JsonNode? node, string path, List<ValidationError> errors)
    {
        if (node is null)
        {
            if (!schema.Nullable)
            {
                errors.Add(new ValidationError(path, $"must be {ValueDescription.OfType(schema.Type)}, got null"));
            }

            return;
        }

        if (schema.IntOrString)
        {
            ValidateIntOrString(schema, node, path, errors);
            return;
        }

        switch (schema.Type)
        {
            case "object" when node is JsonObject obj:
                ValidateObject(schema, obj, path, errors);
                break;
            case "array" when node is JsonArray list:
                ValidateArray(schema, list, path, errors);
                break;
            case "string" when Kind(node) == JsonValueKind.String:
                ValidateString(schema, (string)node!, node, path, errors);
                break;
            case "integer" when IsInteger(node):
            case "number" when Kind(node) == JsonValueKind.Number:
                ValidateNumber(schema, JsonNumbers.AsDouble(node)!.Value, node, path, errors);
                break;
            case "boolean" when Kind(node) is JsonValueKind.True or JsonValueKind.False:
                break;
            case null:
                break;
            default:
                errors.Add(new ValidationError(path, $"must be {ValueDescription.OfType(schema.Type)}, got {Describe(node)}"));
                break;
        }
    }

    private static void ValidateObject(StructuralSchema schema, JsonObject obj, string path, List<ValidationError> errors)
    {
        foreach (var (name, value) in obj)
        {
            var childPath = FieldPath.Child(path, name);
            var declared = schema.Property(name);
            if (declared is not null)
            {
                Validate(declared, value, childPath, errors);
            }
            else if (schema.AdditionalProperties is not null)
            {
                Validate(schema.AdditionalProperties, value, childPath, errors);
            }
            else if (!schema.PreserveUnknownFields)
            {
                var accepted = string.Join(", ", schema.Properties.Select(p => p.Key));
                errors.Add(new ValidationError(childPath, $"unknown field; accepted fields here: {accepted}"));
            }
        }

        foreach (var (name, _) in schema.Properties)
        {
            if (schema.Required.Contains(name) && obj[name] is null)
            {
                errors.Add(new ValidationError(FieldPath.Child(path, name), "required field is missing"));
            }
        }
    }

    private static void ValidateArray(StructuralSchema schema, JsonArray list, string path, List<ValidationError> errors)
    {
        if (schema.MinItems is { } min && list.Count < min)
        {
            errors.Add(new ValidationError(path, $"must have at least {min} item{(min == 1 ? "" : "s")}, got {list.Count}"));
        }

        if (schema.MaxItems is { } max && list.Count > max)
        {
            errors.Add(new ValidationError(path, $"must have at most {max} item{(max == 1 ? "" : "s")}, got {list.Count}"));
        }

        if (schema.Items is null)
        {
            return;
        }

        for (var i = 0; i < list.Count; i++)
        {
            Validate(schema.Items, list[i], FieldPath.Index(path, i), errors);
        }
    }

    private static void ValidateString(StructuralSchema schema, string value, JsonNode node, string path, List<ValidationError> errors)
    {
        if (schema.Enum is { } allowed && !allowed.Any(a => a is JsonValue v && Kind(v) == JsonValueKind.String && (string)v! == value))
        {
            errors.Add(new ValidationError(path, $"must be one of {string.Join(", ", allowed.Select(a => (string?)a))}; got {ValueDescription.Of(node)}"));
            return;
        }

        if (schema.MinLength is { } min && value.Length < min)
        {
            errors.Add(new ValidationError(path, min == 1 ? "must not be empty" : $"must be at least {min} characters long, got {value.Length}"));
        }

        if (schema.MaxLength is { } max && value.Length > max)
        {
            errors.Add(new ValidationError(path, $"must be at most {max} characters long, got {value.Length}"));
        }

        if (schema.Pattern is { } pattern && !Expression(pattern).IsMatch(value))
        {
            errors.Add(new ValidationError(path, $"must be {PatternHints.Describe(pattern)}; got {ValueDescription.Of(node)}"));
        }
    }

    private static void ValidateNumber(StructuralSchema schema, double value, JsonNode node, string path, List<ValidationError> errors)
    {
        if (schema.Enum is { } allowed)
        {
            if (!allowed.Any(a => a is JsonValue v && Kind(v) == JsonValueKind.Number && JsonNumbers.AsDouble(v) == value))
            {
                errors.Add(new ValidationError(path, $"must be one of {string.Join(", ", allowed.Select(a => a!.ToJsonString()))}; got {ValueDescription.Of(node)}"));
            }

            return;
        }

        var belowMin = schema.Minimum is { } min && (schema.ExclusiveMinimum ? value <= min : value < min);
        var aboveMax = schema.Maximum is { } max && (schema.ExclusiveMaximum ? value >= max : value > max);
        if (belowMin || aboveMax)
        {
            errors.Add(new ValidationError(path, $"{RangeWords(schema)}, got {ValueDescription.Of(node)}"));
        }
    }

    private static void ValidateIntOrString(StructuralSchema schema, JsonNode node, string path, List<ValidationError> errors)
    {
        if (IsInteger(node))
        {
            return;
        }

        if (Kind(node) != JsonValueKind.String)
        {
            errors.Add(new ValidationError(path, $"must be an integer or a string, got {Describe(node)}"));
            return;
        }

        ValidateString(schema, (string)node!, node, path, errors);
    }

    /// <summary>"must be between 1 and 1024", "must be greater than 0", "must be at least 0 and less than 1", ...</summary>
    private static string RangeWords(StructuralSchema schema)
    {
        var lower = schema.Minimum is { } min ? (schema.ExclusiveMinimum ? "greater than " : "at least ") + ValueDescription.Number(min) : null;
        var upper = schema.Maximum is { } max ? (schema.ExclusiveMaximum ? "less than " : "at most ") + ValueDescription.Number(max) : null;
        if (lower is not null && upper is not null && !schema.ExclusiveMinimum && !schema.ExclusiveMaximum)
        {
            return $"must be between {ValueDescription.Number(schema.Minimum!.Value)} and {ValueDescription.Number(schema.Maximum!.Value)}";
        }

        return "must be " + string.Join(" and ", new[] { lower, upper }.OfType<string>());
    }

    private static string Describe(JsonNode node) => node switch
    {
        JsonObject => "an object",
        JsonArray => "a list",
        _ => Kind(node) switch
        {
            JsonValueKind.String => "string " + ValueDescription.Of(node),
            JsonValueKind.Number => "number " + ValueDescription.Of(node),
            _ => ValueDescription.Of(node),
        },
    };

    private static JsonValueKind Kind(JsonNode node) => node is JsonValue v ? v.GetValueKind() : node.GetValueKind();

    private static bool IsInteger(JsonNode node) =>
        Kind(node) == JsonValueKind.Number && JsonNumbers.AsDouble(node) is { } d && Math.Floor(d) == d && !double.IsInfinity(d);

    private static Regex Expression(string pattern) =>
        Expressions.GetOrAdd(pattern, p => new Regex(p, RegexOptions.CultureInvariant));
}
