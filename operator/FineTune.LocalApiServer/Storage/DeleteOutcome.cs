namespace FineTune.LocalApiServer.Storage;

/// <summary>The result of a delete: the object's last state, and whether it is gone or waits for finalizers.</summary>
public sealed record DeleteOutcome(StoredObject Object, bool Removed);
