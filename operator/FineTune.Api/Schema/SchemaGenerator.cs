using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using k8s.Models;

namespace FineTune.Api.Schema;

/// <summary>
/// Builds a structural OpenAPI v3 schema from C# types by reflection: property types give <c>type</c>, nullability
/// and the <c>required</c> keyword give <c>required</c>, property initialisers give <c>default</c>, the attributes in
/// the attributes in Schema/ give bounds, enums, patterns and CEL rules, and XML docs give descriptions.
/// </summary>
public sealed class SchemaGenerator(XmlDocumentation docs)
{
    /// <summary>Schema of an object type. <paramref name="withDefaults"/> is false for status types (never defaulted).</summary>
    public V1JSONSchemaProps ForObject(Type type, bool withDefaults)
    {
        var schema = new V1JSONSchemaProps
        {
            Type = "object",
            Description = docs.Of(type),
            Properties = new Dictionary<string, V1JSONSchemaProps>(),
        };
        var instance = withDefaults ? Activator.CreateInstance(type) : null;
        var required = new List<string>();
        foreach (var property in PropertiesBaseFirst(type))
        {
            var name = JsonNames.Of(property);
            var propertySchema = ForProperty(property, withDefaults);
            var isRequired = property.GetCustomAttribute<RequiredMemberAttribute>() is not null;
            if (instance is not null && !isRequired)
            {
                propertySchema.DefaultProperty = DefaultOf(property, property.GetValue(instance));
            }

            schema.Properties[name] = propertySchema;
            if (isRequired)
            {
                required.Add(name);
            }
        }

        schema.Required = required.Count > 0 ? required : null;
        schema.XKubernetesValidations = RulesOf(type.GetCustomAttributes<CelRuleAttribute>());
        return schema;
    }

    private V1JSONSchemaProps ForProperty(PropertyInfo property, bool withDefaults)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        V1JSONSchemaProps schema;
        if (ListItemType(type) is { } itemType)
        {
            var items = ForValue(itemType, withDefaults);
            ApplyScalarAttributes(items, property);
            schema = new V1JSONSchemaProps { Type = "array", Items = items };
            var count = property.GetCustomAttribute<ItemCountAttribute>();
            if (count is not null)
            {
                schema.MinItems = count.Min >= 0 ? count.Min : null;
                schema.MaxItems = count.Max >= 0 ? count.Max : null;
            }
        }
        else
        {
            schema = ForValue(type, withDefaults);
            ApplyScalarAttributes(schema, property);
        }

        schema.Description = docs.Of(property);
        var rules = RulesOf(property.GetCustomAttributes<CelRuleAttribute>());
        if (rules is not null)
        {
            schema.XKubernetesValidations = rules;
        }

        return schema;
    }

    private V1JSONSchemaProps ForValue(Type type, bool withDefaults)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return new V1JSONSchemaProps { Type = "string" };
        }

        if (type == typeof(bool))
        {
            return new V1JSONSchemaProps { Type = "boolean" };
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return new V1JSONSchemaProps { Type = "integer", Format = type == typeof(int) ? "int32" : "int64" };
        }

        if (type == typeof(double))
        {
            return new V1JSONSchemaProps { Type = "number" };
        }

        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return new V1JSONSchemaProps { Type = "string", Format = "date-time" };
        }

        if (type.IsEnum)
        {
            return new V1JSONSchemaProps { Type = "string", EnumProperty = JsonNames.OfEnum(type).Cast<object>().ToList() };
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) && type.GetGenericArguments()[0] == typeof(string))
        {
            return new V1JSONSchemaProps { Type = "object", AdditionalProperties = ForValue(type.GetGenericArguments()[1], withDefaults) };
        }

        if (type.IsClass)
        {
            return ForObject(type, withDefaults);
        }

        throw new NotSupportedException($"no schema mapping for {type.FullName}");
    }

    private static void ApplyScalarAttributes(V1JSONSchemaProps schema, PropertyInfo property)
    {
        if (property.GetCustomAttribute<MinimumAttribute>() is { } min)
        {
            schema.Minimum = min.Value;
            schema.ExclusiveMinimum = min.Exclusive ? true : null;
        }

        if (property.GetCustomAttribute<MaximumAttribute>() is { } max)
        {
            schema.Maximum = max.Value;
            schema.ExclusiveMaximum = max.Exclusive ? true : null;
        }

        if (property.GetCustomAttribute<AllowedIntegersAttribute>() is { } allowed)
        {
            schema.EnumProperty = allowed.Values.Cast<object>().ToList();
        }

        if (property.GetCustomAttribute<PatternAttribute>() is { } pattern)
        {
            schema.Pattern = pattern.Regex;
        }

        if (property.GetCustomAttribute<LengthAttribute>() is { } length)
        {
            schema.MinLength = length.Min >= 0 ? length.Min : null;
            schema.MaxLength = length.Max >= 0 ? length.Max : null;
        }

        if (property.GetCustomAttribute<IntOrStringAttribute>() is not null)
        {
            schema.Type = null;
            schema.XKubernetesIntOrString = true;
            schema.AnyOf = [new V1JSONSchemaProps { Type = "integer" }, new V1JSONSchemaProps { Type = "string" }];
        }
    }

    private static object? DefaultOf(PropertyInfo property, object? value) => value switch
    {
        null => null,
        Enum e => JsonNames.OfEnumValue(e),
        string or bool or int or long or double => value,
        IEnumerable => null,
        _ when property.PropertyType.IsClass => new Dictionary<string, object>(),
        _ => null,
    };

    private static List<V1ValidationRule>? RulesOf(IEnumerable<CelRuleAttribute> attributes)
    {
        var rules = attributes.Select(a => new V1ValidationRule
        {
            Rule = a.Rule,
            Message = string.IsNullOrEmpty(a.Message) ? null : a.Message,
            MessageExpression = a.MessageExpression,
            FieldPath = a.FieldPath,
        }).ToList();
        return rules.Count > 0 ? rules : null;
    }

    private static Type? ListItemType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0] : null;

    /// <summary>Public instance properties, base class first, each class in declaration order.</summary>
    private static IEnumerable<PropertyInfo> PropertiesBaseFirst(Type type)
    {
        var chain = new Stack<Type>();
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            chain.Push(t);
        }

        foreach (var t in chain)
        {
            foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).OrderBy(p => p.MetadataToken))
            {
                yield return p;
            }
        }
    }
}
