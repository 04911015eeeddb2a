using System.Globalization;
using System.Text.Json;

namespace FineTune.Trainer.Training.Checkpointing;

/// <summary>
/// Checkpoints in <c>&lt;run directory&gt;/checkpoints/step-N/</c> on a local disk. A checkpoint is written in a
/// staging folder and renamed into place, so a crash never leaves a half-written step-N; its trainer_state.json is
/// written last, and only folders that have it count. After each commit the newest <c>keepLast</c> and the one with
/// the lowest eval_loss are kept.
/// </summary>
public sealed class LocalCheckpointStore : ICheckpointStore
{
    private const string MetricsFile = "metrics.json";
    private readonly string _root;
    private readonly int _keepLast;

    /// <summary>Stores under <paramref name="runDirectory"/>/checkpoints, keeping <paramref name="keepLast"/> plus the best.</summary>
    public LocalCheckpointStore(string runDirectory, int keepLast = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keepLast, 1);
        _root = Path.Combine(runDirectory, "checkpoints");
        _keepLast = keepLast;
        Directory.CreateDirectory(_root);
    }

    /// <summary>Name of the folder of <paramref name="step"/>.</summary>
    public static string FolderName(long step) => string.Create(CultureInfo.InvariantCulture, $"step-{step}");

    /// <inheritdoc />
    public string CreateStagingDirectory(long step)
    {
        var staging = Path.Combine(_root, ".staging-" + FolderName(step));
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        return staging;
    }

    /// <inheritdoc />
    public string Commit(string stagingDirectory, long step, IReadOnlyDictionary<string, double> metrics)
    {
        File.WriteAllText(Path.Combine(stagingDirectory, MetricsFile), JsonSerializer.Serialize(metrics));
        var target = Path.Combine(_root, FolderName(step));
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        Directory.Move(stagingDirectory, target);
        Prune();
        return target;
    }

    /// <inheritdoc />
    public string? LatestForResume() => Complete().OrderByDescending(c => c.Step).Select(c => c.Path).FirstOrDefault();

    /// <inheritdoc />
    public string? Find(long step) => Complete().Where(c => c.Step == step).Select(c => c.Path).FirstOrDefault();

    private void Prune()
    {
        var all = Complete().OrderByDescending(c => c.Step).ToList();
        var keep = all.Take(_keepLast).Select(c => c.Step).ToHashSet();
        var best = all.Select(c => (c.Step, Loss: EvalLoss(c.Path))).Where(c => c.Loss is not null).OrderBy(c => c.Loss).ThenBy(c => c.Step).FirstOrDefault();
        if (best.Loss is not null) keep.Add(best.Step);
        foreach (var checkpoint in all.Where(c => !keep.Contains(c.Step))) Directory.Delete(checkpoint.Path, recursive: true);
    }

    private IEnumerable<(long Step, string Path)> Complete()
    {
        foreach (var directory in Directory.EnumerateDirectories(_root, "step-*"))
        {
            var name = Path.GetFileName(directory);
            if (long.TryParse(name["step-".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var step)
                && File.Exists(Path.Combine(directory, TrainingCheckpoint.StateFile)))
                yield return (step, directory);
        }
    }

    private static double? EvalLoss(string directory)
    {
        var path = Path.Combine(directory, MetricsFile);
        if (!File.Exists(path)) return null;
        var metrics = JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(path));
        return metrics is not null && metrics.TryGetValue("eval_loss", out var loss) ? loss : null;
    }
}
