using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.Checkpoints;
using FineTune.Trainer.StorageBench;

// Checkpoint save and load against raw transfers of the same files with the same parallelism, in one run: the ratio
// is what the checkpoint protocol (hashing, listing, manifest, verification) costs on top of moving the bytes.
if (args.Length > 0 && args[0] == SaveCheckpointCommand.Name)
    return await SaveCheckpointCommand.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == SigtermBenchCommand.Name)
    return await SigtermBenchCommand.RunAsync(args[1..]);

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException error)
{
    Console.Error.WriteLine(error.Message);
    return 2;
}

StorageUri target;
try
{
    target = StorageUri.Parse(options.Target).AsPrefix();
}
catch (ArgumentException error)
{
    Console.Error.WriteLine($"--target: {error.Message}");
    return 2;
}

using var storage = target.IsS3
    ? ObjectStorage.ForJob(new StorageSpec { Endpoint = options.Endpoint! })
    : new ObjectStorage();

var work = Directory.CreateTempSubdirectory("storage-bench-").FullName;
try
{
    var checkpointDirectory = Path.Combine(work, "checkpoint");
    var bytes = WriteCheckpoint(checkpointDirectory, options.Megabytes);
    var run = target.Append($"bench-{DateTime.UtcNow:yyyyMMddHHmmss}/");
    // Retention deletes nothing inside the timed saves (deleting old checkpoints is not moving these bytes).
    var checkpoints = new CheckpointStore(storage, run, new CheckpointRetention { KeepLast = options.Repeats + 1, BestMetric = null },
        parallelism: options.Parallelism);

    double bestSave = double.MaxValue, bestLoad = double.MaxValue, bestRawPut = double.MaxValue, bestRawGet = double.MaxValue;
    for (var repeat = 0; repeat < options.Repeats; repeat++)
    {
        var raw = run.Append($"raw-{repeat}/");
        CheckpointInfo? saved = null;
        Func<Task> rawPut = async () => bestRawPut = Math.Min(bestRawPut, await Time(() => storage.UploadDirectoryAsync(checkpointDirectory, raw, options.Parallelism)));
        Func<Task> save = async () => bestSave = Math.Min(bestSave, await Time(async () => saved = await checkpoints.SaveAsync(checkpointDirectory, repeat + 1)));
        Func<Task> rawGet = async () => bestRawGet = Math.Min(bestRawGet, await Time(() => storage.DownloadDirectoryAsync(raw, Path.Combine(work, $"raw-get-{repeat}"), options.Parallelism)));
        Func<Task> load = async () => bestLoad = Math.Min(bestLoad, await Time(() => checkpoints.DownloadAsync(saved!, Path.Combine(work, $"load-{repeat}"))));
        // Alternate which goes first, so warm-up and caches favour neither side.
        foreach (var step in repeat % 2 == 0 ? new[] { rawPut, save, rawGet, load } : [save, rawPut, load, rawGet])
            await step();

        Directory.Delete(Path.Combine(work, $"raw-get-{repeat}"), recursive: true);
        Directory.Delete(Path.Combine(work, $"load-{repeat}"), recursive: true);
        foreach (var item in await storage.ListAsync(raw)) await storage.DeleteAsync(item.Uri);
    }

    foreach (var item in await storage.ListAsync(run)) await storage.DeleteAsync(item.Uri);
    Report("checkpoint_save", bestSave, bestRawPut);
    Report("checkpoint_load", bestLoad, bestRawGet);
    return 0;

    void Report(string operation, double seconds, double rawSeconds)
    {
        var megabytes = bytes / 1048576.0;
        var line = new Dictionary<string, object>
        {
            ["bench"] = "storage",
            ["operation"] = operation,
            ["backend"] = target.IsS3 ? "s3" : "local",
            ["bytes"] = bytes,
            ["parallelism"] = options.Parallelism,
            ["seconds"] = Math.Round(seconds, 3),
            ["mb_per_s"] = Math.Round(megabytes / seconds, 1),
            ["raw_seconds"] = Math.Round(rawSeconds, 3),
            ["raw_mb_per_s"] = Math.Round(megabytes / rawSeconds, 1),
            ["ratio"] = Math.Round(rawSeconds / seconds, 3),
        };
        Console.WriteLine(JsonSerializer.Serialize(line));
    }
}
catch (StorageException error)
{
    Console.Error.WriteLine(error.Message);
    return 1;
}
finally
{
    Directory.Delete(work, recursive: true);
}

static async Task<double> Time(Func<Task> action)
{
    var watch = Stopwatch.StartNew();
    await action();
    return watch.Elapsed.TotalSeconds;
}

// A checkpoint shaped like a trainer's: weights, optimizer state (about the same size) and small state files.
static long WriteCheckpoint(string directory, int megabytes)
{
    Directory.CreateDirectory(directory);
    var total = (long)megabytes << 20;
    var files = new (string Name, long Size)[]
    {
        ("model.safetensors", total * 45 / 100),
        ("optimizer.pt", total * 45 / 100),
        ("rng_state.pt", total * 10 / 100),
        ("trainer_state.json", 4096),
        ("config.json", 1024),
    };
    var random = new Random(42);
    var buffer = new byte[1 << 20];
    foreach (var (name, size) in files)
    {
        using var file = File.Create(Path.Combine(directory, name));
        for (long written = 0; written < size; written += buffer.Length)
        {
            random.NextBytes(buffer);
            file.Write(buffer, 0, (int)Math.Min(buffer.Length, size - written));
        }
    }

    return files.Sum(f => f.Size);
}
