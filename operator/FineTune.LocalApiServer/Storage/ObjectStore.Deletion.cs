using FineTune.LocalApiServer.Errors;
using FineTune.LocalApiServer.Resources;

namespace FineTune.LocalApiServer.Storage;

/// <summary>Deletion: finalizers, deletionTimestamp, and owner-reference garbage collection.</summary>
public sealed partial class ObjectStore
{
    private const string ForegroundFinalizer = "foregroundDeletion";

    /// <summary>
    /// Deletes an object. With finalizers it only gets deletionTimestamp and stays until they are removed; otherwise it
    /// is removed at once. Dependents (objects whose ownerReferences name it) are deleted in the background (the
    /// default), deleted first (Foreground: the owner waits with the foregroundDeletion finalizer), or kept with the
    /// owner reference removed (Orphan). Garbage collection runs synchronously, inside the same write.
    /// </summary>
    public DeleteOutcome Delete(ResourceType type, string? ns, string name, DeleteRequest request)
    {
        lock (_gate)
        {
            var current = Find(type, ns, name) ?? throw ApiException.NotFound(type.Group, type.Plural, name);
            if (request.PreconditionUid is { Length: > 0 } uid && uid != current.Uid)
                throw ApiException.Conflict(type.Group, type.Plural, name,
                    $"Precondition failed: UID in precondition: {uid}, UID in object meta: {current.Uid}");
            if (request.PreconditionResourceVersion is { Length: > 0 } rv && rv != current.ResourceVersion.ToString())
                throw ApiException.Conflict(type.Group, type.Plural, name,
                    $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {current.ResourceVersion}");
            var policy = request.PropagationPolicy ?? (type.OrphansDependentsByDefault ? "Orphan" : "Background");
            if (policy is not ("Background" or "Foreground" or "Orphan"))
                throw ApiException.BadRequest($"propagationPolicy '{policy}' is not supported; accepted: Background, Foreground, Orphan");
            return DeleteLocked(current, policy, request.GracePeriodSeconds);
        }
    }

    private DeleteOutcome DeleteLocked(StoredObject current, string policy, long? gracePeriodSeconds)
    {
        if (policy == "Orphan") OrphanDependents(current.Uid);
        var finalizers = ObjectMetadata.Finalizers(current.Object);
        if (policy == "Foreground" && HasDependents(current.Uid) && !finalizers.Contains(ForegroundFinalizer))
            finalizers.Add(ForegroundFinalizer);
        if (finalizers.Count == 0) return new DeleteOutcome(Remove(current, policy), true);

        var marked = current;
        var changed = current.CloneObject();
        ObjectMetadata.SetFinalizers(changed, finalizers);
        if (!ObjectMetadata.IsDeleting(current.Object))
        {
            var meta = ObjectMetadata.Of(changed);
            meta["deletionTimestamp"] = Now();
            meta["deletionGracePeriodSeconds"] = gracePeriodSeconds ?? 0;
        }
        if (!System.Text.Json.Nodes.JsonNode.DeepEquals(changed, current.Object))
            marked = Commit(current.Type, "MODIFIED", current, changed);
        if (policy == "Foreground") DeleteDependents(current.Uid, "Foreground");
        return new DeleteOutcome(marked, false);
    }

    /// <summary>Removes the object for good (DELETED event), then collects its dependents and releases waiting owners.</summary>
    private StoredObject Remove(StoredObject current, string policy, System.Text.Json.Nodes.JsonObject? lastState = null)
    {
        var deleted = Commit(current.Type, "DELETED", current, lastState ?? current.CloneObject());
        if (policy == "Orphan") OrphanDependents(current.Uid);
        else DeleteDependents(current.Uid, policy);
        foreach (var ownerUid in ObjectMetadata.OwnerUids(current.Object).ToList()) ReleaseForegroundOwner(ownerUid);
        return deleted;
    }

    private bool HasDependents(string ownerUid) =>
        _dependentsByOwnerUid.TryGetValue(ownerUid, out var set) && set.Count > 0;

    private IEnumerable<StoredObject> Dependents(string ownerUid) =>
        _dependentsByOwnerUid.TryGetValue(ownerUid, out var set)
            ? set.ToList().Select(uid => _byUid.GetValueOrDefault(uid)).OfType<StoredObject>()
            : [];

    private void OrphanDependents(string ownerUid)
    {
        foreach (var dependent in Dependents(ownerUid).ToList())
        {
            var changed = dependent.CloneObject();
            if (ObjectMetadata.RemoveOwnerReference(changed, ownerUid)) Write(dependent, changed);
        }
    }

    /// <summary>
    /// Deletes what depends on <paramref name="ownerUid"/>; a dependent that still has another live owner only loses
    /// the reference to this one, as the Kubernetes garbage collector does.
    /// </summary>
    private void DeleteDependents(string ownerUid, string policy)
    {
        foreach (var dependent in Dependents(ownerUid).ToList())
        {
            var live = _byUid.GetValueOrDefault(dependent.Uid);
            if (live is null) continue;
            var otherOwners = ObjectMetadata.OwnerUids(live.Object).Where(u => u != ownerUid && _byUid.ContainsKey(u));
            if (otherOwners.Any())
            {
                var changed = live.CloneObject();
                ObjectMetadata.RemoveOwnerReference(changed, ownerUid);
                Write(live, changed);
            }
            else if (!ObjectMetadata.IsDeleting(live.Object) || policy == "Foreground")
            {
                DeleteLocked(live, policy == "Foreground" ? "Foreground" : "Background", 0);
            }
        }
    }

    /// <summary>An owner deleted in the foreground goes once its last dependent is gone.</summary>
    private void ReleaseForegroundOwner(string ownerUid)
    {
        var owner = _byUid.GetValueOrDefault(ownerUid);
        if (owner is null || !ObjectMetadata.IsDeleting(owner.Object) || HasDependents(ownerUid)) return;
        var finalizers = ObjectMetadata.Finalizers(owner.Object);
        if (!finalizers.Remove(ForegroundFinalizer)) return;
        var changed = owner.CloneObject();
        ObjectMetadata.SetFinalizers(changed, finalizers);
        Write(owner, changed);
    }
}
