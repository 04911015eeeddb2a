using System.Text.Json.Nodes;
using FineTune.LocalApiServer.Resources;

namespace FineTune.LocalApiServer.Storage;

/// <summary>
/// One committed version of an object. Never changed after commit (readers that need to change it take
/// <see cref="CloneObject"/>), so watch history and readers can share it; its JSON is serialized once.
/// </summary>
public sealed class StoredObject
{
    private JsonObject? _object;

    internal StoredObject(ResourceType type, JsonObject obj)
    {
        Type = type;
        _object = obj;
        Namespace = ObjectMetadata.Namespace(obj);
        Name = ObjectMetadata.Name(obj);
        Uid = ObjectMetadata.Uid(obj);
        Labels = ObjectMetadata.Labels(obj);
        ApiVersion = obj["apiVersion"] is JsonValue v && v.TryGetValue<string>(out var apiVersion) ? apiVersion : "";
        ResourceVersion = long.TryParse(ObjectMetadata.ResourceVersion(obj), out var rv) ? rv : 0;
        Json = System.Text.Encoding.UTF8.GetBytes(obj.ToJsonString(JsonFormat.Options));
    }

    /// <summary>The resource it belongs to (the version it was written through).</summary>
    public ResourceType Type { get; }

    /// <summary>
    /// The object. Do not change it: take <see cref="CloneObject"/>. Superseded versions kept only in the watch history
    /// drop their parsed form to save memory and parse it again from <see cref="Json"/> when asked.
    /// </summary>
    public JsonObject Object => _object ?? (JsonObject)JsonNode.Parse(Json)!;

    /// <summary>apiVersion as stored.</summary>
    public string ApiVersion { get; }

    /// <summary>metadata.labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; }

    /// <summary>Drops the parsed object once a newer version replaced this one.</summary>
    internal void ReleaseParsedObject() => _object = null;

    /// <summary>Namespace, or the empty string for cluster-scoped objects.</summary>
    public string Namespace { get; }

    /// <summary>metadata.name.</summary>
    public string Name { get; }

    /// <summary>metadata.uid.</summary>
    public string Uid { get; }

    /// <summary>metadata.resourceVersion as a number.</summary>
    public long ResourceVersion { get; }

    /// <summary>The object serialized as UTF-8 JSON.</summary>
    public byte[] Json { get; }

    /// <summary>A private, changeable copy of the object.</summary>
    public JsonObject CloneObject() => (JsonObject)Object.DeepClone();

    /// <summary>Storage key within the resource: <c>namespace/name</c>, or the name for cluster-scoped objects.</summary>
    public string Key => Namespace.Length == 0 ? Name : $"{Namespace}/{Name}";
}
