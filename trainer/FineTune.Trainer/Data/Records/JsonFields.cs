using System.Text.Json;

namespace FineTune.Trainer.Data.Records;

/// <summary>Reads typed fields of a JSON record, failing with messages that name the field, what it is and what was expected.</summary>
public static class JsonFields
{
    /// <summary>The string field <paramref name="name"/>; missing or another type is an error quoting <paramref name="shape"/>.</summary>
    public static string RequireString(JsonElement record, string name, string shape)
    {
        if (!record.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            throw new RecordException($"missing field \"{name}\"; expected {shape}");
        if (value.ValueKind != JsonValueKind.String)
            throw new RecordException($"field \"{name}\" is {Describe(value)}; expected a string");
        return value.GetString()!;
    }

    /// <summary>The string field <paramref name="name"/>, or null when it is absent or null.</summary>
    public static string? OptionalString(JsonElement record, string name)
    {
        if (!record.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String)
            throw new RecordException($"field \"{name}\" is {Describe(value)}; expected a string");
        return value.GetString();
    }

    /// <summary>A short description of a JSON value for messages: its kind, and short scalars with their value.</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string {Shorten(value.GetRawText())}",
        JsonValueKind.Number => $"the number {Shorten(value.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => $"an array of {value.GetArrayLength()} item(s)",
        JsonValueKind.Object => "an object",
        _ => value.ValueKind.ToString(),
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
