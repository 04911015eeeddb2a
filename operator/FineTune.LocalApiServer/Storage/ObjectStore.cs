using System.Text.Json.Nodes;
using FineTune.LocalApiServer.Errors;
using FineTune.LocalApiServer.Resources;
using FineTune.LocalApiServer.Selectors;

namespace FineTune.LocalApiServer.Storage;

/// <summary>
/// The server's storage, playing etcd and the generic registry: one global resourceVersion counter, creates, updates
/// with optimistic concurrency, deletes with finalizers and owner-reference garbage collection, and a bounded watch
/// history. One lock serializes every write, so each change gets the next resourceVersion and watchers see changes in
/// that order. Objects are JSON; semantics specific to a request (status subresource, validation) belong to the caller.
/// </summary>
public sealed partial class ObjectStore
{
    private const string GenerateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<string, SortedDictionary<string, StoredObject>> _objects = new();
    private readonly Dictionary<string, StoredObject> _byUid = new();
    private readonly Dictionary<string, HashSet<string>> _dependentsByOwnerUid = new();
    private long _revision;

    /// <summary>Creates an empty store.</summary>
    /// <param name="time">Clock for creation and deletion timestamps.</param>
    /// <param name="historyCapacity">How many changes watches can resume from; older resourceVersions get 410 Gone.</param>
    public ObjectStore(TimeProvider time, int historyCapacity)
    {
        _time = time;
        _historyCapacity = Math.Max(1, historyCapacity);
    }

    /// <summary>The resourceVersion of the latest change.</summary>
    public long CurrentRevision
    {
        get { lock (_gate) return _revision; }
    }

    /// <summary>The object, or null.</summary>
    public StoredObject? Get(ResourceType type, string? ns, string name)
    {
        lock (_gate) return Find(type, ns, name);
    }

    /// <summary>The object with this uid, or null.</summary>
    public StoredObject? GetByUid(string uid)
    {
        lock (_gate) return _byUid.GetValueOrDefault(uid);
    }

    /// <summary>Objects of a resource (in one namespace, or all when <paramref name="ns"/> is null) that match the selectors, ordered by key, and the list's resourceVersion.</summary>
    public (IReadOnlyList<StoredObject> Items, long Revision) List(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields)
    {
        lock (_gate)
        {
            var items = Bucket(type).Values.Where(o => (ns is null || o.Namespace == ns) && Matches(o, labels, fields)).ToList();
            return (items, _revision);
        }
    }

    /// <summary>
    /// Stores a new object: name from generateName when needed, uid, creationTimestamp, generation 1, resourceVersion.
    /// A taken name is 409 AlreadyExists.
    /// </summary>
    public StoredObject Create(ResourceType type, string? ns, JsonObject obj)
    {
        lock (_gate)
        {
            var meta = ObjectMetadata.Of(obj);
            obj["apiVersion"] = type.ApiVersion;
            obj["kind"] = type.Kind;
            if (type.Namespaced) meta["namespace"] = string.IsNullOrEmpty(ns) ? "default" : ns;
            else meta.Remove("namespace");
            var name = ObjectMetadata.Name(obj);
            if (name.Length == 0)
            {
                var prefix = ObjectMetadata.Get(obj, "generateName");
                if (prefix.Length == 0)
                    throw ApiException.Invalid(type.Group, type.Kind, "",
                        [new StatusCause("FieldValueRequired", "metadata.name", "Required value: name or generateName is required")]);
                do name = prefix + string.Concat(Enumerable.Range(0, 5).Select(_ => GenerateNameAlphabet[Random.Shared.Next(GenerateNameAlphabet.Length)]));
                while (Find(type, ObjectMetadata.Namespace(obj), name) is not null);
                meta["name"] = name;
            }
            if (Find(type, ObjectMetadata.Namespace(obj), name) is not null)
                throw ApiException.AlreadyExists(type.Group, type.Plural, name);
            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Now();
            meta["generation"] = 1L;
            meta.Remove("deletionTimestamp");
            meta.Remove("deletionGracePeriodSeconds");
            return Commit(type, "ADDED", null, obj);
        }
    }

    /// <summary>
    /// Read-modify-write with optimistic concurrency, like the Kubernetes registry's guaranteed update.
    /// <paramref name="change"/> gets the current object and a copy of it and returns the desired object; it runs
    /// outside the store's lock (so slow work such as schema validation does not serialize every write) and is run
    /// again on the newer object if another write landed meanwhile, so it must have no side effects. A
    /// resourceVersion in the result that differs from the current one is 409 Conflict (an empty one means an
    /// unconditional update). Server-owned metadata is kept; generation grows when anything but metadata (and status,
    /// for resources with a status subresource) changed. An unchanged object is not written again. An object being
    /// deleted whose last finalizer is removed is deleted.
    /// </summary>
    public StoredObject Update(ResourceType type, string? ns, string name, Func<StoredObject, JsonObject, JsonObject> change)
    {
        while (true)
        {
            var current = Get(type, ns, name) ?? throw ApiException.NotFound(type.Group, type.Plural, name);
            var desired = change(current, current.CloneObject());
            lock (_gate)
            {
                var latest = Find(type, ns, name) ?? throw ApiException.NotFound(type.Group, type.Plural, name);
                if (latest.ResourceVersion != current.ResourceVersion) continue;
                var requested = ObjectMetadata.ResourceVersion(desired);
                if (requested.Length > 0 && requested != current.ResourceVersion.ToString())
                    throw ApiException.Conflict(type.Group, type.Plural, name,
                        "the object has been modified; please apply your changes to the latest version and try again");
                var bodyName = ObjectMetadata.Name(desired);
                if (bodyName.Length > 0 && bodyName != name)
                    throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");

                KeepServerFields(current.Object, desired, type);
                if (ObjectMetadata.IsDeleting(current.Object))
                {
                    var added = ObjectMetadata.Finalizers(desired).Except(ObjectMetadata.Finalizers(current.Object)).ToList();
                    if (added.Count > 0)
                        throw ApiException.Invalid(type.Group, type.Kind, name, [new StatusCause("FieldValueForbidden", "metadata.finalizers",
                            $"Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers [{string.Join(", ", added)}]")]);
                }
                return Write(current, desired);
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="desired"/> over <paramref name="current"/> (lock held): bumps generation on spec changes,
    /// skips unchanged objects, and deletes an object being deleted once its finalizers are gone.
    /// </summary>
    private StoredObject Write(StoredObject current, JsonObject desired)
    {
        if (SpecChanged(current.Object, desired, current.Type))
            ObjectMetadata.Of(desired)["generation"] = Generation(current.Object) + 1;
        ObjectMetadata.Of(desired)["resourceVersion"] = current.ResourceVersion.ToString();
        if (JsonNode.DeepEquals(desired, current.Object)) return current;

        // As in Kubernetes, the write that removes the last finalizer of an object being deleted is the deletion:
        // watchers see DELETED (with the written state), not a MODIFIED first.
        if (ObjectMetadata.IsDeleting(desired) && ObjectMetadata.Finalizers(desired).Count == 0)
            return Remove(current, "Background", desired);
        return Commit(current.Type, "MODIFIED", current, desired);
    }

    private static void KeepServerFields(JsonObject current, JsonObject desired, ResourceType type)
    {
        var from = ObjectMetadata.Of(current);
        var to = ObjectMetadata.Of(desired);
        foreach (var field in new[] { "name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation" })
        {
            if (from[field] is { } value) to[field] = value.DeepClone();
            else to.Remove(field);
        }
        desired["apiVersion"] = current["apiVersion"]?.DeepClone();
        desired["kind"] = type.Kind;
    }

    private static bool SpecChanged(JsonObject before, JsonObject after, ResourceType type)
    {
        bool Counts(string key) => key is not ("metadata" or "apiVersion" or "kind") && !(type.HasStatusSubresource && key == "status");
        var keys = before.Select(p => p.Key).Concat(after.Select(p => p.Key)).Where(Counts).Distinct();
        return keys.Any(k => !JsonNode.DeepEquals(before[k], after[k]));
    }

    private static long Generation(JsonObject obj) =>
        (obj["metadata"] as JsonObject)?["generation"] is JsonValue v && v.TryGetValue<long>(out var g) ? g : 0;

    private string Now() => _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

    private StoredObject? Find(ResourceType type, string? ns, string name) =>
        Bucket(type).GetValueOrDefault(type.Namespaced ? $"{ns}/{name}" : name);

    private SortedDictionary<string, StoredObject> Bucket(ResourceType type)
    {
        if (!_objects.TryGetValue(type.StorageKey, out var bucket))
        {
            bucket = new SortedDictionary<string, StoredObject>(StringComparer.Ordinal);
            _objects[type.StorageKey] = bucket;
        }
        return bucket;
    }

    private static bool Matches(StoredObject obj, LabelSelector labels, FieldSelector fields) =>
        labels.Matches(obj.Labels) && (ReferenceEquals(fields, FieldSelector.Everything) || fields.Matches(obj.Object));

    /// <summary>Gives the change the next resourceVersion, stores it, indexes owners, records and broadcasts it.</summary>
    private StoredObject Commit(ResourceType type, string eventType, StoredObject? previous, JsonObject obj)
    {
        ObjectMetadata.Of(obj)["resourceVersion"] = (++_revision).ToString();
        var stored = new StoredObject(type, obj);
        var bucket = Bucket(type);
        if (eventType == "DELETED")
        {
            bucket.Remove(stored.Key);
            _byUid.Remove(stored.Uid);
        }
        else
        {
            bucket[stored.Key] = stored;
            _byUid[stored.Uid] = stored;
        }
        IndexOwners(previous, eventType == "DELETED" ? null : stored);
        Record(new WatchEvent(eventType, stored, previous));
        previous?.ReleaseParsedObject();
        if (eventType == "DELETED") stored.ReleaseParsedObject();
        return stored;
    }

    private void IndexOwners(StoredObject? before, StoredObject? after)
    {
        var oldOwners = before is null ? [] : ObjectMetadata.OwnerUids(before.Object).ToHashSet();
        var newOwners = after is null ? [] : ObjectMetadata.OwnerUids(after.Object).ToHashSet();
        var uid = (after ?? before)!.Uid;
        foreach (var owner in oldOwners.Except(newOwners))
            if (_dependentsByOwnerUid.TryGetValue(owner, out var set) && set.Remove(uid) && set.Count == 0)
                _dependentsByOwnerUid.Remove(owner);
        foreach (var owner in newOwners.Except(oldOwners))
        {
            if (!_dependentsByOwnerUid.TryGetValue(owner, out var set)) _dependentsByOwnerUid[owner] = set = [];
            set.Add(uid);
        }
    }
}
