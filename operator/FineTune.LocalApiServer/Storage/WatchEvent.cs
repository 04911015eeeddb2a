namespace FineTune.LocalApiServer.Storage;

/// <summary>One committed change, as kept in the watch history and sent to watchers.</summary>
/// <param name="Type">ADDED, MODIFIED or DELETED.</param>
/// <param name="Object">The object after the change (for DELETED, its last state with the deletion's resourceVersion).</param>
/// <param name="Previous">The object before the change; null for ADDED.</param>
public sealed record WatchEvent(string Type, StoredObject Object, StoredObject? Previous)
{
    /// <summary>The resourceVersion of the change.</summary>
    public long Revision => Object.ResourceVersion;
}
