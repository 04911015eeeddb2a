using System.Text.Json.Nodes;

namespace FineTune.Api.Validation;

/// <summary>
/// Fills absent fields with the schema's defaults, top-down, as the Kubernetes API server does: a defaulted object
/// (<c>default: {}</c>) is then defaulted inside too. Fields the user set are never touched.
/// </summary>
public static class SchemaDefaulter
{
    /// <summary>Applies defaults in place.</summary>
    public static void Apply(StructuralSchema schema, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, property) in schema.Properties)
                {
                    if (property.Default is not null && (!obj.ContainsKey(name) || obj[name] is null))
                    {
                        obj[name] = property.Default.DeepClone();
                    }

                    if (obj[name] is { } child)
                    {
                        Apply(property, child);
                    }
                }

                if (schema.AdditionalProperties is { } values)
                {
                    foreach (var (name, value) in obj.ToList())
                    {
                        if (schema.Property(name) is null)
                        {
                            Apply(values, value);
                        }
                    }
                }

                break;
            case JsonArray list when schema.Items is { } items:
                foreach (var item in list)
                {
                    Apply(items, item);
                }

                break;
        }
    }
}
