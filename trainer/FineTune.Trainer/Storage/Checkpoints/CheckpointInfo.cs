namespace FineTune.Trainer.Storage.Checkpoints;

/// <summary>A checkpoint whose manifest exists and whose files are all present with the recorded sizes.</summary>
/// <param name="Step">Training step.</param>
/// <param name="Location">The checkpoint's prefix (…/checkpoints/step-N/).</param>
/// <param name="Manifest">Its manifest.</param>
public sealed record CheckpointInfo(long Step, StorageUri Location, CheckpointManifest Manifest);
