using System.Text.Json.Nodes;

namespace FineTune.Trainer.Models;

/// <summary>Copies the config.json fields a reader did not interpret, so saving keeps them.</summary>
internal static class ExtraFields
{
    public static JsonObject Without(JsonObject json, IEnumerable<string> known)
    {
        var skip = new HashSet<string>(known, StringComparer.Ordinal);
        var extra = new JsonObject();
        foreach (var (key, value) in json)
            if (!skip.Contains(key)) extra[key] = value?.DeepClone();
        return extra;
    }
}
