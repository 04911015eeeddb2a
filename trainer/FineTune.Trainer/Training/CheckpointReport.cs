namespace FineTune.Trainer.Training;

/// <summary>A committed checkpoint as reported to observers.</summary>
/// <param name="Step">Step the checkpoint holds.</param>
/// <param name="Location">Where it now lives (a local directory or a storage URI).</param>
/// <param name="Duration">Time from the start of writing to the end of the commit (upload included).</param>
/// <param name="Bytes">Size of the files the loop wrote (weights, optimizer state, trainer state), before the store adds its own metadata.</param>
public sealed record CheckpointReport(long Step, string Location, TimeSpan Duration, long Bytes)
{
    /// <summary>Total size of the files under <paramref name="directory"/> (a checkpoint written but not yet committed).</summary>
    public static long SizeOf(string directory) =>
        new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
}
