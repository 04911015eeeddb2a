using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FineTune.Api.Schema;

/// <summary>The JSON names of properties and enum members, exactly as System.Text.Json writes them.</summary>
public static class JsonNames
{
    /// <summary>The serialized name of a property: its [JsonPropertyName] or the camelCase of its name.</summary>
    public static string Of(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    /// <summary>The serialized names of an enum's members, in declaration order.</summary>
    public static IReadOnlyList<string> OfEnum(Type enumType) =>
        enumType.GetFields(BindingFlags.Public | BindingFlags.Static)
            .OrderBy(f => f.MetadataToken)
            .Select(f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name)
            .ToList();

    /// <summary>The serialized name of one enum value.</summary>
    public static string OfEnumValue(Enum value)
    {
        var field = value.GetType().GetField(value.ToString())!;
        return field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? field.Name;
    }
}
