using System.Text.Json.Nodes;

namespace FineTune.LocalApiServer.Patching;

/// <summary>RFC 7386 JSON merge patch: objects merge key by key, null deletes a key, anything else replaces.</summary>
public static class JsonMergePatch
{
    /// <summary>
    /// Returns <paramref name="target"/> patched by <paramref name="patch"/>. An object target is changed in place;
    /// the patch is never changed.
    /// </summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject) return patch?.DeepClone();
        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
                result.Remove(key);
            else if (value is JsonObject && result[key] is JsonObject existing)
                Apply(existing, value);
            else
                result[key] = Apply(null, value);
        }
        return result;
    }
}
