using System.Reflection;
using System.Text.Json.Nodes;
using FineTune.LocalApiServer.Errors;
using FineTune.LocalApiServer.Http;
using FineTune.LocalApiServer.Resources;
using FineTune.LocalApiServer.Selectors;
using k8s;
using k8s.Models;

namespace FineTune.LocalApiServer.Storage;

/// <summary>
/// Typed reads and writes straight into the store, for tests and the Job driver: no HTTP, no faults, no request counts,
/// but the same resourceVersions, watch events, finalizer and garbage-collection behaviour. Writes here are trusted:
/// they may set status on create and change status and spec together, as controllers in the real cluster do.
/// </summary>
public sealed class ObjectAccess(ObjectStore store, ResourceRegistry registry, ResourceOperations operations)
{
    /// <summary>The object, or null.</summary>
    public T? Get<T>(string? ns, string name) where T : class, IKubernetesObject =>
        store.Get(TypeOf<T>(), ns, name) is { } stored ? Read<T>(stored) : null;

    /// <summary>Objects of <typeparamref name="T"/> in <paramref name="ns"/> (all namespaces when null) matching the label selector.</summary>
    public IReadOnlyList<T> List<T>(string? ns = null, string? labelSelector = null) where T : class, IKubernetesObject =>
        store.List(TypeOf<T>(), ns, LabelSelector.Parse(labelSelector), FieldSelector.Everything).Items.Select(Read<T>).ToList();

    /// <summary>Creates the object as given (status included), except that a CRD also starts serving its resource.</summary>
    public T Create<T>(T obj) where T : class, IKubernetesObject
    {
        var type = TypeOf<T>(obj);
        var json = ToJson(obj);
        var ns = ObjectMetadata.Namespace(json);
        if (type.StorageKey == BuiltInResources.CustomResourceDefinitions.StorageKey)
            return Read<T>(operations.Create(type, null, json));
        return Read<T>(store.Create(type, ns.Length == 0 ? null : ns, json));
    }

    /// <summary>
    /// Changes the object under the store's lock (so it cannot conflict) and returns the stored result. Status changes
    /// are kept, like a controller writing both through the API.
    /// </summary>
    public T Update<T>(string? ns, string name, Action<T> change) where T : class, IKubernetesObject
    {
        var type = TypeOf<T>();
        var stored = store.Update(type, ns, name, (current, _) =>
        {
            var typed = Read<T>(current);
            change(typed);
            var json = ToJson(typed);
            ObjectMetadata.Of(json)["resourceVersion"] = current.ResourceVersion.ToString();
            return json;
        });
        return Read<T>(stored);
    }

    /// <summary>Deletes the object (propagation Background unless told otherwise); false when it did not exist.</summary>
    public bool Delete<T>(string? ns, string name, string? propagationPolicy = "Background") where T : class, IKubernetesObject
    {
        try
        {
            store.Delete(TypeOf<T>(), ns, name, new DeleteRequest { PropagationPolicy = propagationPolicy });
            return true;
        }
        catch (ApiException e) when (e.Code == 404)
        {
            return false;
        }
    }

    /// <summary>A custom (or any) object as JSON, by apiVersion and kind; null when absent.</summary>
    public JsonObject? GetJson(string apiVersion, string kind, string? ns, string name) =>
        store.Get(TypeOf(apiVersion, kind), ns, name)?.CloneObject();

    /// <summary>Creates a custom (or any) object given as JSON, with full API semantics (including validation).</summary>
    public JsonObject CreateJson(JsonObject obj)
    {
        var type = TypeOf(obj["apiVersion"]?.GetValue<string>() ?? "", obj["kind"]?.GetValue<string>() ?? "");
        var ns = ObjectMetadata.Namespace(obj);
        return operations.Create(type, ns.Length == 0 ? null : ns, obj).CloneObject();
    }

    private static T Read<T>(StoredObject stored) => KubernetesJson.Deserialize<T>(System.Text.Encoding.UTF8.GetString(stored.Json));

    private static JsonObject ToJson<T>(T obj) => (JsonObject)JsonNode.Parse(KubernetesJson.Serialize(obj))!;

    private ResourceType TypeOf<T>(T? obj = null) where T : class, IKubernetesObject
    {
        if (obj is not null && !string.IsNullOrEmpty(obj.ApiVersion) && !string.IsNullOrEmpty(obj.Kind))
            return TypeOf(obj.ApiVersion, obj.Kind);
        var entity = typeof(T).GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new ArgumentException($"{typeof(T).Name} has no [KubernetesEntity] attribute; pass an object with apiVersion and kind");
        var apiVersion = string.IsNullOrEmpty(entity.Group) ? entity.ApiVersion : $"{entity.Group}/{entity.ApiVersion}";
        return TypeOf(apiVersion, entity.Kind);
    }

    private ResourceType TypeOf(string apiVersion, string kind) =>
        registry.FindByKind(apiVersion, kind) ?? throw new ArgumentException($"{apiVersion} {kind} is not served by this server");
}
