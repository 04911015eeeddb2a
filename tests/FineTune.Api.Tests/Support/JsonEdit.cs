using System.Text.Json.Nodes;

namespace FineTune.Api.Tests.Support;

/// <summary>Small edits of a JSON manifest by dotted path (<c>spec.lora.rank</c>, <c>spec.rlhf.stages[0].name</c>).</summary>
public static class JsonEdit
{
    /// <summary>Sets a value, creating objects on the way.</summary>
    public static JsonObject Set(this JsonObject root, string path, JsonNode? value)
    {
        var (parent, last) = Walk(root, path);
        parent[last] = value;
        return root;
    }

    /// <summary>Removes a field.</summary>
    public static JsonObject Without(this JsonObject root, string path)
    {
        var (parent, last) = Walk(root, path);
        parent.Remove(last);
        return root;
    }

    private static (JsonObject Parent, string Last) Walk(JsonObject root, string path)
    {
        var parts = path.Split('.');
        JsonNode current = root;
        foreach (var part in parts[..^1])
        {
            var bracket = part.IndexOf('[');
            var name = bracket < 0 ? part : part[..bracket];
            var obj = current.AsObject();
            if (obj[name] is null)
            {
                obj[name] = new JsonObject();
            }

            current = obj[name]!;
            if (bracket >= 0)
            {
                current = current.AsArray()[int.Parse(part[(bracket + 1)..^1])]!;
            }
        }

        return (current.AsObject(), parts[^1]);
    }
}
