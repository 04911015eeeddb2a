namespace FineTune.Trainer.Checkpoints;

/// <summary>What loading a checkpoint did beyond copying matching tensors.</summary>
/// <param name="NewlyInitialized">Model tensors absent from the file that were allowed to start fresh (e.g. a new classifier head).</param>
/// <param name="Ignored">File tensors that the model has no use for and that are known to be safe to skip (buffers, pre-training heads).</param>
public sealed record LoadReport(IReadOnlyList<string> NewlyInitialized, IReadOnlyList<string> Ignored);
