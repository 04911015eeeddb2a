using System.Text.Json;
using System.Text.Json.Nodes;

namespace FineTune.Api.Validation;

/// <summary>Short renderings of values for messages (<c>got "eight"</c>, <c>got 0</c>, <c>got a list</c>).</summary>
public static class ValueDescription
{
    private const int MaxShown = 80;

    /// <summary>The value as a user would recognise it from the manifest.</summary>
    public static string Of(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "a list",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Quote((string)v!),
        _ => node.ToJsonString(),
    };

    /// <summary>A string in double quotes, shortened when long.</summary>
    public static string Quote(string text) =>
        "\"" + (text.Length > MaxShown ? text[..MaxShown] + "…" : text) + "\"";

    /// <summary>A number without a trailing .0 for whole values.</summary>
    public static string Number(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>"a string", "an integer", ... for an OpenAPI type.</summary>
    public static string OfType(string? type) => type switch
    {
        "object" => "an object",
        "array" => "a list",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "a boolean (true or false)",
        "string" => "a string",
        _ => "an integer or a string",
    };
}
