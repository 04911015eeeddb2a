using System.Text.Json.Nodes;

namespace FineTune.Api.Validation;

/// <summary>
/// Reads numbers from JSON nodes whatever backs them: a parsed JSON element, or a CLR value placed in a node
/// (<c>JsonValue.Create(5L)</c>), which <c>GetValue&lt;double&gt;</c> alone does not convert.
/// </summary>
public static class JsonNumbers
{
    /// <summary>The value as a double, or null when it is not a number.</summary>
    public static double? AsDouble(JsonNode? node)
    {
        if (node is not JsonValue v)
        {
            return null;
        }

        if (v.TryGetValue<double>(out var d))
        {
            return d;
        }

        if (v.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (v.TryGetValue<int>(out var i))
        {
            return i;
        }

        return v.TryGetValue<decimal>(out var m) ? (double)m : null;
    }

    /// <summary>The value as a long when it is a whole number, otherwise null.</summary>
    public static long? AsLong(JsonNode? node)
    {
        if (node is JsonValue v && v.TryGetValue<long>(out var l))
        {
            return l;
        }

        return AsDouble(node) is { } d && Math.Floor(d) == d && Math.Abs(d) < 9.2e18 ? (long)d : null;
    }
}
