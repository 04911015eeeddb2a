using System.Text.Json.Nodes;

namespace FineTune.LocalApiServer.Storage;

/// <summary>Reads and writes the <c>metadata</c> fields of an object held as JSON.</summary>
public static class ObjectMetadata
{
    /// <summary>The metadata object, created when missing.</summary>
    public static JsonObject Of(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject meta) return meta;
        meta = new JsonObject();
        obj["metadata"] = meta;
        return meta;
    }

    /// <summary>A string field of metadata, or the empty string.</summary>
    public static string Get(JsonObject obj, string field) =>
        (obj["metadata"] as JsonObject)?[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";

    /// <summary>metadata.name.</summary>
    public static string Name(JsonObject obj) => Get(obj, "name");

    /// <summary>metadata.namespace.</summary>
    public static string Namespace(JsonObject obj) => Get(obj, "namespace");

    /// <summary>metadata.uid.</summary>
    public static string Uid(JsonObject obj) => Get(obj, "uid");

    /// <summary>metadata.resourceVersion.</summary>
    public static string ResourceVersion(JsonObject obj) => Get(obj, "resourceVersion");

    /// <summary>True when metadata.deletionTimestamp is set.</summary>
    public static bool IsDeleting(JsonObject obj) => (obj["metadata"] as JsonObject)?["deletionTimestamp"] is not null;

    /// <summary>metadata.labels as a dictionary (empty when absent).</summary>
    public static IReadOnlyDictionary<string, string> Labels(JsonObject obj)
    {
        if ((obj["metadata"] as JsonObject)?["labels"] is not JsonObject labels) return Empty;
        var result = new Dictionary<string, string>(labels.Count);
        foreach (var (key, value) in labels) result[key] = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "";
        return result;
    }

    /// <summary>metadata.finalizers (empty when absent).</summary>
    public static List<string> Finalizers(JsonObject obj) =>
        (obj["metadata"] as JsonObject)?["finalizers"] is JsonArray list
            ? list.Select(f => f?.GetValue<string>() ?? "").ToList()
            : [];

    /// <summary>Replaces metadata.finalizers; an empty list removes the field.</summary>
    public static void SetFinalizers(JsonObject obj, IReadOnlyList<string> finalizers)
    {
        var meta = Of(obj);
        if (finalizers.Count == 0) meta.Remove("finalizers");
        else meta["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode)JsonValue.Create(f)).ToArray());
    }

    /// <summary>The uids named in metadata.ownerReferences.</summary>
    public static IEnumerable<string> OwnerUids(JsonObject obj) =>
        (obj["metadata"] as JsonObject)?["ownerReferences"] is JsonArray refs
            ? refs.Select(r => (r as JsonObject)?["uid"]?.GetValue<string>()).Where(u => !string.IsNullOrEmpty(u)).Select(u => u!)
            : [];

    /// <summary>Removes the owner reference to <paramref name="ownerUid"/>; true when one was removed.</summary>
    public static bool RemoveOwnerReference(JsonObject obj, string ownerUid)
    {
        if ((obj["metadata"] as JsonObject)?["ownerReferences"] is not JsonArray refs) return false;
        var index = refs.ToList().FindIndex(r => (r as JsonObject)?["uid"]?.GetValue<string>() == ownerUid);
        if (index < 0) return false;
        refs.RemoveAt(index);
        if (refs.Count == 0) Of(obj).Remove("ownerReferences");
        return true;
    }

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();
}
