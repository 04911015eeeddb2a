using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FineTune.LocalApiServer.Validation;

/// <summary>
/// Validation ratcheting of schema errors on updates, as the Kubernetes API server does for custom resources (GA in
/// 1.33): an error about a value the update did not change is ignored, so an object stored before a stricter schema
/// can still be written (its status, or its other fields). Values correlate with the stored object by property name
/// only: an error inside a list item (atomic lists) or under metadata is never ratcheted, and a missing required field
/// correlates through its parent object.
/// </summary>
public static partial class SchemaErrorRatchet
{
    /// <summary>True when the error at <paramref name="path"/> concerns a value equal in <paramref name="obj"/> and <paramref name="oldObj"/>.</summary>
    public static bool IsUnchanged(string path, JsonObject obj, JsonObject oldObj)
    {
        var names = new List<string>();
        foreach (Match segment in Segment().Matches(path))
        {
            if (segment.Groups["index"].Success) return false;
            names.Add(segment.Groups["quoted"].Success ? segment.Groups["quoted"].Value : segment.Groups["plain"].Value);
        }

        if (names.Count == 0 || names[0] == "metadata") return false;
        JsonNode? current = obj, old = oldObj;
        JsonNode? currentParent = null, oldParent = null;
        foreach (var name in names)
        {
            (currentParent, oldParent) = (current, old);
            current = (current as JsonObject)?[name];
            old = (old as JsonObject)?[name];
        }

        // A field missing on both sides (required) is an error about its parent object.
        return current is null && old is null
            ? currentParent is not null && JsonNode.DeepEquals(currentParent, oldParent)
            : JsonNode.DeepEquals(current, old);
    }

    [GeneratedRegex(@"\[""(?<quoted>[^""]*)""\]|\[(?<index>\d+)\]|(?<plain>[^.\[]+)")]
    private static partial Regex Segment();
}
