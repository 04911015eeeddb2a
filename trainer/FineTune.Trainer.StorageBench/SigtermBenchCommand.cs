using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Data.Tasks;
using FineTune.Trainer.Models;
using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.Checkpoints;
using FineTune.Trainer.Tokenization;

namespace FineTune.Trainer.StorageBench;

/// <summary>
/// `sigterm --trainer trainer.dll --target s3://bucket/prefix/ --endpoint URL [--warm-steps N]`: runs `trainer run` on the
/// reference model (GPT-2 layout, d=256, 4 layers, 4 heads, vocab 8192, sequence 128, batch 8) with its output in S3,
/// sends SIGTERM after a few steps and times how long until a checkpoint whose manifest verifies is in the store
/// (what a preempted pod has within its grace period). Prints one JSON line.
/// </summary>
public static class SigtermBenchCommand
{
    /// <summary>The command word.</summary>
    public const string Name = "sigterm";

    private const string Usage = "usage: storage-bench sigterm --trainer bin/.../trainer.dll --target s3://bucket/prefix/ --endpoint http://host:port [--warm-steps 3]";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>Runs the benchmark; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        string? trainer = null, target = null, endpoint = null;
        var warmSteps = 3;
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--trainer": trainer = value; break;
                case "--target": target = value; break;
                case "--endpoint": endpoint = value; break;
                case "--warm-steps" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0: warmSteps = n; break;
                default:
                    Console.Error.WriteLine($"{args[i]} {value}: not understood; {Usage}");
                    return 2;
            }
        }
        if (trainer is null || !File.Exists(trainer) || target is null || endpoint is null)
        {
            Console.Error.WriteLine($"--trainer (the trainer CLI, an existing trainer.dll), --target and --endpoint are required; {Usage}");
            return 2;
        }
        trainer = Path.GetFullPath(trainer);

        var output = StorageUri.Parse(target).AsPrefix().Append($"sigterm-{DateTime.UtcNow:yyyyMMddHHmmss}/");
        var work = Directory.CreateTempSubdirectory("sigterm-bench-").FullName;
        using var storage = ObjectStorage.ForJob(new StorageSpec { Endpoint = endpoint });
        try
        {
            var job = WriteJob(work, output, endpoint);
            var checkpoints = new CheckpointStore(storage, output.Append("bench/train/"));
            using var process = StartTrainer(trainer, job, work);
            var lines = new List<string>();
            var warm = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var watch = new Stopwatch();
            double stepFinished = 0; // seconds from SIGTERM to the last step line: the step in flight finishing
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (lines) lines.Add(e.Data);
                var step = StepOf(e.Data);
                if (step >= 0 && watch.IsRunning) Volatile.Write(ref stepFinished, watch.Elapsed.TotalSeconds);
                if (step >= warmSteps) warm.TrySetResult();
            };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (lines) lines.Add(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var exited = process.WaitForExitAsync();
            if (await Task.WhenAny(warm.Task, exited).WaitAsync(Timeout) != warm.Task)
                throw new InvalidOperationException($"the trainer ended before step {warmSteps}:\n{string.Join('\n', lines)}");

            watch.Start();
            if (SendSignal(process.Id, SignalTerm) != 0)
                throw new InvalidOperationException($"kill({process.Id}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}");
            CheckpointInfo? durable = null;
            while (durable is null)
            {
                if (watch.Elapsed > Timeout) throw new TimeoutException($"no verified checkpoint in {checkpoints.CheckpointsPrefix} within {Timeout}");
                durable = await checkpoints.LatestVerifiedAsync();
                if (durable is null) await Task.Delay(25);
            }
            var toDurable = watch.Elapsed.TotalSeconds;
            await exited.WaitAsync(Timeout);
            var toExit = watch.Elapsed.TotalSeconds;

            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["bench"] = "storage",
                ["operation"] = "sigterm_to_durable_checkpoint",
                ["backend"] = output.IsS3 ? "s3" : "local",
                ["model"] = "gpt2 d=256 layers=4 heads=4 vocab=8192",
                ["step"] = durable.Step,
                ["bytes"] = durable.Manifest.TotalBytes,
                ["seconds"] = Math.Round(toDurable, 3),
                ["step_finish_seconds"] = Math.Round(Volatile.Read(ref stepFinished), 3),
                ["seconds_to_exit"] = Math.Round(toExit, 3),
                ["exit_code"] = process.ExitCode,
            }));
            foreach (var item in await storage.ListAsync(output)) await storage.DeleteAsync(item.Uri);
            return process.ExitCode == Api.Contract.TrainerExitCodes.Interrupted ? 0 : 1;
        }
        catch (Exception error) when (error is InvalidOperationException or TimeoutException or StorageException)
        {
            Console.Error.WriteLine($"sigterm benchmark: {error.Message}");
            return 1;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    // The reference model with the byte-level tokenizer (its ids fit the 8192-entry vocabulary) and a long run that
    // writes no periodic checkpoint: the only checkpoint is the one SIGTERM asks for.
    private static string WriteJob(string work, StorageUri output, string endpoint)
    {
        var model = Path.Combine(work, "model");
        TokenizerWriter.Write(model, TokenizerPreset.ByteLevel, 128);
        ModelInitializer.Write(model, ModelPresets.Create("gpt2", "small", 8192, 128), seed: 1);
        ReverseWordsTask.WriteJsonl(Path.Combine(work, "train.jsonl"), 512, ReverseWordsTask.TrainSeed);
        var job = Path.Combine(work, "job.yaml");
        File.WriteAllText(job, $"""
            apiVersion: finetune.dev/v1alpha1
            kind: FineTuneJob
            metadata: {"{"}name: sigterm-bench{"}"}
            spec:
              method: full
              model: {"{"}uri: model{"}"}
              dataset: {"{"}uri: train.jsonl, format: instruction{"}"}
              output: {"{"}uri: "{output}"{"}"}
              storage: {"{"}endpoint: "{endpoint}", credentialsSecret: bench-keys{"}"}
              hyperparameters: {"{"}maxSteps: 100000, batchSize: 8, sequenceLength: 128, checkpointEverySteps: 100000{"}"}
            """);
        return job;
    }

    private static Process StartTrainer(string trainer, string job, string work)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = work,
        };
        foreach (var argument in new[] { trainer, "run", job, "--run-id", "bench", "--json" }) start.ArgumentList.Add(argument);
        start.Environment[Api.Contract.TrainerEnvironment.ScratchDirectory] = Path.Combine(work, "scratch");
        return Process.Start(start) ?? throw new InvalidOperationException($"could not start dotnet {trainer}");
    }

    private static long StepOf(string line)
    {
        if (!line.StartsWith('{')) return -1;
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            return root.TryGetProperty("event", out var kind) && kind.GetString() == "step" ? root.GetProperty("step").GetInt64() : -1;
        }
        catch (JsonException)
        {
            return -1;
        }
    }

    private const int SignalTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
