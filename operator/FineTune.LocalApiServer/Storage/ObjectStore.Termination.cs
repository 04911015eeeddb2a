using FineTune.LocalApiServer.Errors;
using FineTune.LocalApiServer.Resources;

namespace FineTune.LocalApiServer.Storage;

/// <summary>Graceful deletion: an object marked for deletion that stays until its owner process has stopped.</summary>
public sealed partial class ObjectStore
{
    /// <summary>
    /// Marks an object as being deleted with a grace period, as the API server does for a pod deleted with
    /// gracePeriodSeconds &gt; 0: deletionTimestamp and deletionGracePeriodSeconds are set, the object stays (watchers
    /// see MODIFIED) until a later <see cref="Delete"/> removes it (the kubelet's final delete once the containers have
    /// stopped). Marking an object that is already being deleted changes nothing.
    /// </summary>
    public StoredObject MarkTerminating(ResourceType type, string? ns, string name, long gracePeriodSeconds)
    {
        lock (_gate)
        {
            var current = Find(type, ns, name) ?? throw ApiException.NotFound(type.Group, type.Plural, name);
            if (ObjectMetadata.IsDeleting(current.Object)) return current;
            var changed = current.CloneObject();
            var meta = ObjectMetadata.Of(changed);
            meta["deletionTimestamp"] = Now();
            meta["deletionGracePeriodSeconds"] = gracePeriodSeconds;
            return Commit(current.Type, "MODIFIED", current, changed);
        }
    }
}
