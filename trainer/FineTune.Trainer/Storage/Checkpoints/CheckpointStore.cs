using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FineTune.Trainer.Storage.Checkpoints;

/// <summary>
/// Atomic checkpoints under <c>&lt;run prefix&gt;/checkpoints/step-N/</c>, the same on S3 and on a local disk.
/// Saving uploads every file, then the manifest (files, sizes, SHA-256) last: a save killed at any point leaves a
/// step without a manifest, which nothing trusts. Resuming takes the newest checkpoint whose manifest exists and
/// whose files have the recorded sizes, verifies every SHA-256 on download and falls back to the previous
/// checkpoint when one does not match. After each save, the newest K plus the best by a metric are kept.
/// </summary>
public sealed partial class CheckpointStore
{
    /// <summary>Name of the manifest object inside a checkpoint.</summary>
    public const string ManifestName = "manifest.json";

    private readonly IObjectStore _store;
    private readonly CheckpointRetention _retention;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly int _parallelism;

    /// <summary>Creates the store for one run.</summary>
    /// <param name="store">Where checkpoints go (S3 or local).</param>
    /// <param name="runPrefix">The run's output prefix; checkpoints go under its checkpoints/ folder.</param>
    /// <param name="retention">Which checkpoints survive a save.</param>
    /// <param name="logger">Receives one line per save, restore, skipped checkpoint and deletion.</param>
    /// <param name="time">Clock for manifest times.</param>
    /// <param name="parallelism">Files transferred at once.</param>
    public CheckpointStore(IObjectStore store, StorageUri runPrefix, CheckpointRetention? retention = null,
        ILogger? logger = null, TimeProvider? time = null, int parallelism = 4)
    {
        _store = store;
        _retention = retention ?? new CheckpointRetention();
        if (_retention.KeepLast < 1)
            throw new ArgumentOutOfRangeException(nameof(retention), _retention.KeepLast, "checkpoint retention KeepLast must be at least 1");
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _parallelism = Math.Max(1, parallelism);
        CheckpointsPrefix = runPrefix.AsPrefix().Append("checkpoints/");
    }

    /// <summary>The prefix all checkpoints of the run live under.</summary>
    public StorageUri CheckpointsPrefix { get; }

    /// <summary>The prefix of the checkpoint for <paramref name="step"/>.</summary>
    public StorageUri LocationOf(long step) =>
        CheckpointsPrefix.Append(string.Create(CultureInfo.InvariantCulture, $"step-{step}/"));

    /// <summary>
    /// Saves every file under <paramref name="localDirectory"/> as the checkpoint for <paramref name="step"/>,
    /// replacing any earlier checkpoint of that step, then applies the retention.
    /// </summary>
    /// <param name="localDirectory">The checkpoint as written by the trainer.</param>
    /// <param name="step">Training step.</param>
    /// <param name="metrics">Metrics at this step (e.g. eval_loss), used to keep the best checkpoint.</param>
    /// <param name="cancellationToken">Cancels the save; a cancelled save leaves nothing that would be trusted.</param>
    public async Task<CheckpointInfo> SaveAsync(string localDirectory, long step,
        IReadOnlyDictionary<string, double>? metrics = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var root = Path.GetFullPath(localDirectory);
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"checkpoint directory '{root}' does not exist");
        var paths = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(root, p).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(p => p != ManifestName)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (paths.Count == 0)
            throw new InvalidOperationException($"checkpoint directory '{root}' is empty; nothing to save for step {step}");

        var location = LocationOf(step);
        var started = _time.GetTimestamp();

        // An earlier checkpoint of this step stops being trusted before any of its files is replaced.
        await _store.DeleteAsync(location.Append(ManifestName), cancellationToken).ConfigureAwait(false);

        // Hash and upload each file at the same time (the second read comes from the page cache).
        var files = new CheckpointFile[paths.Count];
        await Parallel.ForAsync(0, paths.Count,
            new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var local = Path.Combine(root, paths[i]);
                var hashing = FileHashing.Sha256Async(local, token);
                var uploading = _store.PutFromFileAsync(location.Append(paths[i]), local, token);
                await Task.WhenAll(hashing, uploading).ConfigureAwait(false);
                files[i] = new CheckpointFile(paths[i], uploading.Result.Size, hashing.Result);
            }).ConfigureAwait(false);

        // What the store now holds under the step must be exactly the files (a killed earlier save may have left others).
        var present = await _store.ListAsync(location, cancellationToken).ConfigureAwait(false);
        var expected = files.ToDictionary(f => f.Path, f => f.Size, StringComparer.Ordinal);
        foreach (var item in present)
        {
            var relative = location.RelativePathOf(item.Uri);
            if (!expected.ContainsKey(relative))
                await _store.DeleteAsync(item.Uri, cancellationToken).ConfigureAwait(false);
        }

        var missing = VerifySizes(files, present.Where(p => expected.ContainsKey(location.RelativePathOf(p.Uri))).ToList(), location);
        if (missing is not null)
            throw new IOException($"checkpoint step {step} at {location}: after upload {missing}; the checkpoint was not committed");

        var manifest = new CheckpointManifest
        {
            Step = step,
            CreatedAt = _time.GetUtcNow(),
            Files = files,
            Metrics = metrics is null ? new Dictionary<string, double>() : new Dictionary<string, double>(metrics),
        };
        var json = manifest.ToJson();
        using (var body = new MemoryStream(json, writable: false))
            await _store.PutFromStreamAsync(location.Append(ManifestName), body, json.Length, cancellationToken).ConfigureAwait(false);

        var seconds = _time.GetElapsedTime(started).TotalSeconds;
        _logger.LogInformation("checkpoint step {Step} saved to {Location}: {Files} files, {Bytes} bytes in {Seconds:F2} s",
            step, location, files.Length, manifest.TotalBytes, seconds);

        var saved = new CheckpointInfo(step, location, manifest);
        await ApplyRetentionAsync(saved, cancellationToken).ConfigureAwait(false);
        return saved;
    }

    /// <summary>Every trusted checkpoint (manifest present and valid, files present with its sizes), oldest first.</summary>
    public async Task<IReadOnlyList<CheckpointInfo>> ListVerifiedAsync(CancellationToken cancellationToken = default) =>
        (await ScanAsync(cancellationToken).ConfigureAwait(false)).Verified;

    /// <summary>The newest trusted checkpoint, or null when there is none.</summary>
    public async Task<CheckpointInfo?> LatestVerifiedAsync(CancellationToken cancellationToken = default) =>
        (await ListVerifiedAsync(cancellationToken).ConfigureAwait(false)).LastOrDefault();

    /// <summary>
    /// Downloads <paramref name="checkpoint"/> into <paramref name="localDirectory"/> and checks every file's size and
    /// SHA-256 against the manifest.
    /// </summary>
    /// <exception cref="CheckpointCorruptException">A file does not match the manifest.</exception>
    public async Task DownloadAsync(CheckpointInfo checkpoint, string localDirectory, CancellationToken cancellationToken = default)
    {
        var root = Path.GetFullPath(localDirectory);
        Directory.CreateDirectory(root);
        await Parallel.ForEachAsync(checkpoint.Manifest.Files,
            new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = cancellationToken },
            async (file, token) =>
            {
                var source = checkpoint.Location.Append(file.Path);
                var target = ObjectStoreDirectoryExtensions.LocalPathFor(root, file.Path);
                var temporary = Local.LocalFiles.TemporaryPathBeside(target);
                try
                {
                    // Hash while writing: verifying costs no second read of the file.
                    string hash;
                    long size;
                    await using (var hashing = new HashingWriteStream(new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite,
                                     FileShare.None, 1 << 20, FileOptions.Asynchronous)))
                    {
                        await _store.GetToStreamAsync(source, hashing, token).ConfigureAwait(false);
                        hash = hashing.Sha256Hex();
                        size = hashing.Length;
                    }

                    if (size != file.Size)
                        throw new CheckpointCorruptException(
                            $"checkpoint step {checkpoint.Step}: {source} has {size} bytes, the manifest says {file.Size}", source);
                    if (hash != file.Sha256)
                        throw new CheckpointCorruptException(
                            $"checkpoint step {checkpoint.Step}: {source} has SHA-256 {hash}, the manifest says {file.Sha256}", source);
                    File.Move(temporary, target, overwrite: true);
                }
                finally
                {
                    Local.LocalFiles.DeleteQuietly(temporary);
                }
            }).ConfigureAwait(false);
    }

    /// <summary>
    /// Downloads the newest checkpoint that verifies completely into <paramref name="localDirectory"/>, trying older
    /// ones when a newer one turns out corrupt. Null when no checkpoint verifies (start from scratch).
    /// </summary>
    public async Task<CheckpointInfo?> RestoreLatestAsync(string localDirectory, CancellationToken cancellationToken = default)
    {
        var verified = await ListVerifiedAsync(cancellationToken).ConfigureAwait(false);
        for (var i = verified.Count - 1; i >= 0; i--)
        {
            var candidate = verified[i];
            var staging = Path.GetFullPath(localDirectory).TrimEnd(Path.DirectorySeparatorChar) + $".restore-{candidate.Step}";
            DeleteDirectoryQuietly(staging);
            try
            {
                await DownloadAsync(candidate, staging, cancellationToken).ConfigureAwait(false);
                DeleteDirectoryQuietly(localDirectory);
                Directory.Move(staging, localDirectory);
                _logger.LogInformation("resuming from checkpoint step {Step} at {Location}", candidate.Step, candidate.Location);
                return candidate;
            }
            catch (CheckpointCorruptException error)
            {
                _logger.LogWarning("checkpoint step {Step} skipped: {Reason}", candidate.Step, error.Message);
                DeleteDirectoryQuietly(staging);
            }
        }

        return null;
    }

    /// <summary>
    /// Keeps the newest <see cref="CheckpointRetention.KeepLast"/> trusted checkpoints and the best one; deletes the
    /// other trusted ones and steps without a manifest (left by killed saves). Steps with a manifest that does not
    /// verify are left for inspection.
    /// </summary>
    public async Task ApplyRetentionAsync(CheckpointInfo? justSaved = null, CancellationToken cancellationToken = default)
    {
        var scan = await ScanAsync(cancellationToken).ConfigureAwait(false);
        var keep = scan.Verified.TakeLast(_retention.KeepLast).Select(c => c.Step).ToHashSet();
        if (Best(scan.Verified) is { } best) keep.Add(best.Step);
        if (justSaved is not null) keep.Add(justSaved.Step);

        foreach (var checkpoint in scan.Verified.Where(c => !keep.Contains(c.Step)))
        {
            // The manifest goes first, so a deletion that is interrupted leaves an untrusted step, never a broken trusted one.
            await _store.DeleteAsync(checkpoint.Location.Append(ManifestName), cancellationToken).ConfigureAwait(false);
            foreach (var item in scan.ObjectsByStep[checkpoint.Step].Where(o => !IsManifest(checkpoint.Location, o)))
                await _store.DeleteAsync(item.Uri, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("checkpoint step {Step} deleted (retention: last {KeepLast} and the best)", checkpoint.Step, _retention.KeepLast);
        }

        foreach (var step in scan.WithoutManifest.Where(s => !keep.Contains(s)))
        {
            foreach (var item in scan.ObjectsByStep[step])
                await _store.DeleteAsync(item.Uri, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("incomplete checkpoint step {Step} deleted (it has no manifest)", step);
        }
    }

    /// <summary>The trusted checkpoint with the best retention metric, or null when none records it.</summary>
    public CheckpointInfo? Best(IReadOnlyList<CheckpointInfo> verified)
    {
        if (_retention.BestMetric is not { } metric) return null;
        var scored = verified.Where(c => c.Manifest.Metrics.TryGetValue(metric, out var v) && double.IsFinite(v)).ToList();
        if (scored.Count == 0) return null;
        return _retention.HigherIsBetter
            ? scored.MaxBy(c => c.Manifest.Metrics[metric])
            : scored.MinBy(c => c.Manifest.Metrics[metric]);
    }

    private async Task<Scan> ScanAsync(CancellationToken cancellationToken)
    {
        var objects = await _store.ListAsync(CheckpointsPrefix, cancellationToken).ConfigureAwait(false);
        var byStep = new Dictionary<long, List<StoredObject>>();
        foreach (var item in objects)
        {
            var match = StepDirectory().Match(CheckpointsPrefix.RelativePathOf(item.Uri));
            if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var step)) continue;
            if (!byStep.TryGetValue(step, out var list)) byStep[step] = list = [];
            list.Add(item);
        }

        var verified = new List<CheckpointInfo>();
        var withoutManifest = new List<long>();
        foreach (var (step, items) in byStep.OrderBy(p => p.Key))
        {
            var location = LocationOf(step);
            var manifestObject = items.FirstOrDefault(o => IsManifest(location, o));
            if (manifestObject is null)
            {
                withoutManifest.Add(step);
                continue;
            }

            var checkpoint = await TryVerifyAsync(step, location, manifestObject, items, cancellationToken).ConfigureAwait(false);
            if (checkpoint is not null) verified.Add(checkpoint);
        }

        return new Scan(verified, withoutManifest, byStep.ToDictionary(p => p.Key, p => (IReadOnlyList<StoredObject>)p.Value));
    }

    private async Task<CheckpointInfo?> TryVerifyAsync(long step, StorageUri location, StoredObject manifestObject,
        List<StoredObject> items, CancellationToken cancellationToken)
    {
        CheckpointManifest manifest;
        try
        {
            using var buffer = new MemoryStream();
            await _store.GetToStreamAsync(manifestObject.Uri, buffer, cancellationToken).ConfigureAwait(false);
            manifest = CheckpointManifest.Parse(buffer.ToArray(), manifestObject.Uri.ToString());
        }
        catch (InvalidDataException error)
        {
            _logger.LogWarning("checkpoint step {Step} not trusted: {Reason}", step, error.Message);
            return null;
        }
        catch (StorageException error) when (error.Kind == StorageErrorKind.NotFound)
        {
            return null; // deleted between listing and reading
        }

        if (manifest.Step != step)
        {
            _logger.LogWarning("checkpoint step {Step} not trusted: its manifest says step {ManifestStep}", step, manifest.Step);
            return null;
        }

        var files = items.Where(o => !IsManifest(location, o)).ToList();
        var problem = VerifySizes(manifest.Files, files, location);
        if (problem is not null)
        {
            _logger.LogWarning("checkpoint step {Step} not trusted: {Reason}", step, problem);
            return null;
        }

        return new CheckpointInfo(step, location, manifest);
    }

    private static string? VerifySizes(IReadOnlyList<CheckpointFile> files, IReadOnlyList<StoredObject> present, StorageUri location)
    {
        var sizes = present.ToDictionary(o => location.RelativePathOf(o.Uri), o => o.Size, StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (!sizes.TryGetValue(file.Path, out var size)) return $"file '{file.Path}' is missing";
            if (size != file.Size) return $"file '{file.Path}' has {size} bytes, the manifest says {file.Size}";
        }

        return null;
    }

    private static bool IsManifest(StorageUri location, StoredObject item) => location.RelativePathOf(item.Uri) == ManifestName;

    private static void DeleteDirectoryQuietly(string path)
    {
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
    }

    [GeneratedRegex(@"^step-(0|[1-9][0-9]{0,17})/")]
    private static partial Regex StepDirectory();

    private sealed record Scan(IReadOnlyList<CheckpointInfo> Verified, IReadOnlyList<long> WithoutManifest,
        IReadOnlyDictionary<long, IReadOnlyList<StoredObject>> ObjectsByStep);
}
