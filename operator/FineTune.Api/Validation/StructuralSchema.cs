using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace FineTune.Api.Validation;

/// <summary>
/// A normalised, read-only view of a CRD's openAPIV3Schema. <see cref="V1JSONSchemaProps"/> holds <c>items</c> and
/// <c>additionalProperties</c> as plain objects whose runtime type depends on where the schema came from (generated
/// in memory, or read from YAML), so the schema is read once through its JSON form.
/// </summary>
public sealed class StructuralSchema
{
    /// <summary>OpenAPI type: object, array, string, integer, number, boolean; null for int-or-string.</summary>
    public string? Type { get; private init; }

    /// <summary>Declared properties of an object, in declaration order.</summary>
    public IReadOnlyList<KeyValuePair<string, StructuralSchema>> Properties { get; private init; } = [];

    /// <summary>Names of required properties.</summary>
    public IReadOnlySet<string> Required { get; private init; } = new HashSet<string>();

    /// <summary>Schema of list items.</summary>
    public StructuralSchema? Items { get; private init; }

    /// <summary>Schema of map values (<c>additionalProperties</c>).</summary>
    public StructuralSchema? AdditionalProperties { get; private init; }

    /// <summary>Accepted values, when enumerated.</summary>
    public IReadOnlyList<JsonNode?>? Enum { get; private init; }

    /// <summary>Lower bound.</summary>
    public double? Minimum { get; private init; }

    /// <summary>True when the lower bound itself is rejected.</summary>
    public bool ExclusiveMinimum { get; private init; }

    /// <summary>Upper bound.</summary>
    public double? Maximum { get; private init; }

    /// <summary>True when the upper bound itself is rejected.</summary>
    public bool ExclusiveMaximum { get; private init; }

    /// <summary>Regular expression strings must match.</summary>
    public string? Pattern { get; private init; }

    /// <summary>Shortest string.</summary>
    public long? MinLength { get; private init; }

    /// <summary>Longest string.</summary>
    public long? MaxLength { get; private init; }

    /// <summary>Fewest list items.</summary>
    public long? MinItems { get; private init; }

    /// <summary>Most list items.</summary>
    public long? MaxItems { get; private init; }

    /// <summary>x-kubernetes-int-or-string.</summary>
    public bool IntOrString { get; private init; }

    /// <summary>x-kubernetes-preserve-unknown-fields, or an object without declared properties (metadata).</summary>
    public bool PreserveUnknownFields { get; private init; }

    /// <summary>nullable.</summary>
    public bool Nullable { get; private init; }

    /// <summary>What the field means, from the API types' XML docs.</summary>
    public string? Description { get; private init; }

    /// <summary>Value filled in when the field is absent.</summary>
    public JsonNode? Default { get; private init; }

    /// <summary>x-kubernetes-validations.</summary>
    public IReadOnlyList<CelRule> Rules { get; private init; } = [];

    /// <summary>Reads a schema as held by the Kubernetes client models.</summary>
    public static StructuralSchema From(V1JSONSchemaProps schema) =>
        From(JsonNode.Parse(KubernetesJson.Serialize(schema))!.AsObject());

    /// <summary>Reads a schema from its JSON form.</summary>
    public static StructuralSchema From(JsonObject json)
    {
        var properties = json["properties"] is JsonObject props
            ? props.Select(p => new KeyValuePair<string, StructuralSchema>(p.Key, From(p.Value!.AsObject()))).ToList()
            : [];
        var type = (string?)json["type"];
        return new StructuralSchema
        {
            Type = type,
            Properties = properties,
            Required = json["required"] is JsonArray req ? req.Select(r => (string)r!).ToHashSet() : new HashSet<string>(),
            Items = json["items"] is JsonObject items ? From(items) : null,
            AdditionalProperties = json["additionalProperties"] is JsonObject additional ? From(additional) : null,
            Enum = json["enum"] is JsonArray values ? values.Select(v => v?.DeepClone()).ToList() : null,
            Minimum = (double?)json["minimum"],
            ExclusiveMinimum = (bool?)json["exclusiveMinimum"] ?? false,
            Maximum = (double?)json["maximum"],
            ExclusiveMaximum = (bool?)json["exclusiveMaximum"] ?? false,
            Pattern = (string?)json["pattern"],
            MinLength = (long?)json["minLength"],
            MaxLength = (long?)json["maxLength"],
            MinItems = (long?)json["minItems"],
            MaxItems = (long?)json["maxItems"],
            IntOrString = (bool?)json["x-kubernetes-int-or-string"] ?? false,
            PreserveUnknownFields = (bool?)json["x-kubernetes-preserve-unknown-fields"] ?? false
                || (type == "object" && properties.Count == 0 && json["additionalProperties"] is null),
            Nullable = (bool?)json["nullable"] ?? false,
            Default = json["default"]?.DeepClone(),
            Description = (string?)json["description"],
            Rules = json["x-kubernetes-validations"] is JsonArray rules
                ? rules.Select(r => new CelRule((string)r!["rule"]!, (string?)r["message"], (string?)r["messageExpression"], (string?)r["fieldPath"])).ToList()
                : [],
        };
    }

    /// <summary>The declared property of that name, or null.</summary>
    public StructuralSchema? Property(string name)
    {
        foreach (var (key, value) in Properties)
        {
            if (key == name)
            {
                return value;
            }
        }

        return null;
    }
}
