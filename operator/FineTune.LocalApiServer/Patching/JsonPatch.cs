using System.Text.Json.Nodes;
using FineTune.LocalApiServer.Errors;

namespace FineTune.LocalApiServer.Patching;

/// <summary>
/// RFC 6902 JSON patch over <see cref="JsonNode"/> (add, remove, replace, move, copy, test). A failing operation
/// rejects the whole patch with 422, naming the operation and path.
/// </summary>
public static class JsonPatch
{
    /// <summary>Applies <paramref name="operations"/> (a JSON array) to a copy of <paramref name="document"/>.</summary>
    public static JsonNode Apply(JsonNode document, JsonNode? operations)
    {
        if (operations is not JsonArray ops)
            throw ApiException.BadRequest("a JSON patch must be an array of operations");
        var root = new JsonObject { ["doc"] = document.DeepClone() };
        for (var i = 0; i < ops.Count; i++)
        {
            if (ops[i] is not JsonObject op) throw Fail(i, "?", "", "each operation must be an object");
            var name = op["op"]?.GetValue<string>() ?? "";
            var path = op["path"]?.GetValue<string>() ?? throw Fail(i, name, "", "'path' is required");
            switch (name)
            {
                case "add": Add(root, path, Value(op, i, name, path), i, name); break;
                case "remove": Remove(root, path, i, name); break;
                case "replace":
                    Remove(root, path, i, name);
                    Add(root, path, Value(op, i, name, path), i, name);
                    break;
                case "move":
                {
                    var from = From(op, i, name);
                    var moved = Remove(root, from, i, name);
                    Add(root, path, moved, i, name);
                    break;
                }
                case "copy":
                {
                    var from = From(op, i, name);
                    Add(root, path, Get(root, from, i, name)?.DeepClone(), i, name);
                    break;
                }
                case "test":
                    if (!JsonNode.DeepEquals(Get(root, path, i, name), op["value"]))
                        throw Fail(i, name, path, "the value differs");
                    break;
                default:
                    throw Fail(i, name, path, "unknown operation; accepted: add, remove, replace, move, copy, test");
            }
        }
        var result = root["doc"]!;
        root.Remove("doc");
        return result;
    }

    private static JsonNode? Value(JsonObject op, int i, string name, string path) =>
        op.TryGetPropertyValue("value", out var value) ? value?.DeepClone() : throw Fail(i, name, path, "'value' is required");

    private static string From(JsonObject op, int i, string name) =>
        op["from"]?.GetValue<string>() ?? throw Fail(i, name, "", "'from' is required");

    private static (JsonNode Parent, string Token) Locate(JsonObject root, string path, int i, string name)
    {
        if (path.Length > 0 && path[0] != '/') throw Fail(i, name, path, "a path must start with '/'");
        var tokens = path.Length == 0 ? [] : path[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToArray();
        JsonNode parent = root;
        var token = "doc";
        foreach (var next in tokens)
        {
            parent = Child(parent, token) ?? throw Fail(i, name, path, "a parent of the path does not exist");
            token = next;
        }
        return (parent, token);
    }

    private static JsonNode? Child(JsonNode parent, string token) => parent switch
    {
        JsonObject o => o[token],
        JsonArray a when int.TryParse(token, out var index) && index >= 0 && index < a.Count => a[index],
        _ => null,
    };

    private static JsonNode? Get(JsonObject root, string path, int i, string name)
    {
        var (parent, token) = Locate(root, path, i, name);
        return parent switch
        {
            JsonObject o when o.TryGetPropertyValue(token, out var value) => value,
            JsonArray a when int.TryParse(token, out var index) && index >= 0 && index < a.Count => a[index],
            _ => throw Fail(i, name, path, "the path does not exist"),
        };
    }

    private static void Add(JsonObject root, string path, JsonNode? value, int i, string name)
    {
        var (parent, token) = Locate(root, path, i, name);
        switch (parent)
        {
            case JsonObject o:
                o[token] = value;
                break;
            case JsonArray a when token == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(token, out var index) && index >= 0 && index <= a.Count:
                a.Insert(index, value);
                break;
            default:
                throw Fail(i, name, path, "the path does not name an object member or an array index");
        }
    }

    private static JsonNode? Remove(JsonObject root, string path, int i, string name)
    {
        var (parent, token) = Locate(root, path, i, name);
        switch (parent)
        {
            case JsonObject o when o.TryGetPropertyValue(token, out var value):
                o.Remove(token);
                return value;
            case JsonArray a when int.TryParse(token, out var index) && index >= 0 && index < a.Count:
                var item = a[index];
                a.RemoveAt(index);
                return item;
            default:
                throw Fail(i, name, path, "the path does not exist");
        }
    }

    private static ApiException Fail(int index, string op, string path, string why) =>
        new(422, "Invalid", $"the JSON patch operation {index} ('{op}' at '{path}') cannot be applied: {why}");
}
