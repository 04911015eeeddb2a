using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using FineTune.Api.Contract;
using FineTune.Trainer.Cli.Commands;
using FineTune.Trainer.Data.Tasks;
using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.Checkpoints;
using FineTune.Trainer.Storage.S3;

namespace FineTune.Trainer.Cli.Tests.Commands;

/// <summary>
/// `trainer run` in a process of its own with its output in S3 (a real s3rver) receives a real SIGTERM mid-run: it
/// finishes the step, leaves a verified checkpoint in S3 and exits 143; started again, it resumes there and finishes.
/// </summary>
public sealed class RunSigtermTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private const string Bucket = "sigterm-test";
    private readonly string _dir = Directory.CreateTempSubdirectory("finetune-sigterm-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Sigterm_mid_run_leaves_a_verified_s3_checkpoint_exits_143_and_the_next_start_resumes_from_it()
    {
        await using var server = await S3rverProcess.StartAsync(Bucket);
        var (initOut, initErr) = (new StringWriter(), new StringWriter());
        Assert.Equal(TrainerExitCodes.Success, InitCommand.Run("gpt2", "tiny", Path.Combine(_dir, "model"), "byte-level", 128, 3, initOut, initErr));
        ReverseWordsTask.WriteJsonl(Path.Combine(_dir, "train.jsonl"), 64, ReverseWordsTask.TrainSeed);
        var job = Path.Combine(_dir, "job.yaml");
        File.WriteAllText(job, $"""
            apiVersion: finetune.dev/v1alpha1
            kind: FineTuneJob
            metadata: {"{"}name: sigterm{"}"}
            spec:
              method: full
              model: {"{"}uri: model{"}"}
              dataset: {"{"}uri: train.jsonl, format: instruction{"}"}
              output: {"{"}uri: "s3://{Bucket}/runs/"{"}"}
              storage: {"{"}endpoint: "{server.Endpoint.GetLeftPart(UriPartial.Authority)}", credentialsSecret: keys{"}"}
              hyperparameters: {"{"}maxSteps: 400, batchSize: 8, sequenceLength: 128, checkpointEverySteps: 1000{"}"}
            """);

        // First pod: SIGTERM once step 2 is reported.
        var first = await RunTrainerAsync(job, "scratch-1", sigtermAtStep: 2);
        Assert.True(first.ExitCode == TrainerExitCodes.Interrupted, $"exit {first.ExitCode}:\n{first.Output}");
        Assert.Contains($"checkpoint written under s3://{Bucket}/runs/r1/train/checkpoints/", first.Output);

        using var store = new S3ObjectStore(new S3StoreOptions
        {
            Endpoint = server.Endpoint,
            Credentials = new S3Credentials(S3rverProcess.AccessKey, S3rverProcess.SecretKey),
        });
        var checkpoints = new CheckpointStore(store, StorageUri.S3(Bucket, "runs/r1/train/"));
        var saved = await checkpoints.LatestVerifiedAsync();
        Assert.NotNull(saved);
        Assert.True(saved.Step >= 2 && saved.Step < 400, $"checkpoint at step {saved.Step}");
        Assert.Null(await store.StatAsync(StorageUri.S3(Bucket, "runs/r1/train/metrics.json")));

        // Second pod (fresh scratch): resumes from S3 after the interrupted step; SIGTERM again to keep the test short.
        var second = await RunTrainerAsync(job, "scratch-2", sigtermAtStep: saved.Step + 1);
        Assert.True(second.ExitCode == TrainerExitCodes.Interrupted, $"exit {second.ExitCode}:\n{second.Output}");
        Assert.Contains("resuming from", second.Output);
        Assert.Contains($"at step {saved.Step}", second.Output);
        var firstResumedStep = second.Steps.Min();
        Assert.Equal(saved.Step + 1, firstResumedStep);
        Assert.True((await checkpoints.LatestVerifiedAsync())!.Step > saved.Step);
    }

    private sealed record TrainerRun(int ExitCode, string Output, List<long> Steps);

    [Fact]
    public async Task Sigterm_while_the_inputs_download_exits_143_at_once_without_training()
    {
        // An endpoint where nothing listens: every download attempt is refused and retried with backoff for minutes.
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var job = Path.Combine(_dir, "job.yaml");
        File.WriteAllText(job, $$"""
            apiVersion: finetune.dev/v1alpha1
            kind: FineTuneJob
            metadata: {name: evicted-early}
            spec:
              method: full
              model: {uri: "s3://{{Bucket}}/models/tiny/"}
              dataset: {uri: "s3://{{Bucket}}/data/train.jsonl", format: instruction}
              output: {uri: "s3://{{Bucket}}/runs/"}
              storage: {endpoint: "http://127.0.0.1:{{port}}", credentialsSecret: keys}
              hyperparameters: {maxSteps: 10}
            """);

        var run = await RunTrainerAsync(job, "scratch", line => line.Contains("retrying in", StringComparison.Ordinal));

        Assert.True(run.ExitCode == TrainerExitCodes.Interrupted, $"exit {run.ExitCode}:\n{run.Output}");
        Assert.Contains($"of s3://{Bucket}/models/tiny/ failed", run.Output); // the retry is in the log, naming the object
        Assert.Contains("interrupted while fetching the job's inputs", run.Output);
        Assert.Empty(run.Steps);
        Assert.DoesNotContain(S3rverProcess.SecretKey, run.Output);
    }

    private Task<TrainerRun> RunTrainerAsync(string job, string scratch, long sigtermAtStep) =>
        RunTrainerAsync(job, scratch, line => line.StartsWith("{\"event\":\"step\"", StringComparison.Ordinal)
            && JsonDocument.Parse(line).RootElement.GetProperty("step").GetInt64() >= sigtermAtStep);

    /// <summary>Runs `trainer run` and sends it one SIGTERM on the first output line <paramref name="signalWhen"/> accepts.</summary>
    private async Task<TrainerRun> RunTrainerAsync(string job, string scratch, Func<string, bool> signalWhen)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dir,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "trainer.dll"), "run", job, "--run-id", "r1", "--json" })
            start.ArgumentList.Add(argument);
        start.Environment[TrainerEnvironment.AccessKey] = S3rverProcess.AccessKey;
        start.Environment[TrainerEnvironment.SecretKey] = S3rverProcess.SecretKey;
        start.Environment[TrainerEnvironment.ScratchDirectory] = Path.Combine(_dir, scratch);
        start.Environment[TrainerEnvironment.CheckpointGraceSeconds] = "60";
        start.Environment[TrainerEnvironment.OmpNumThreads] = "1";

        using var process = Process.Start(start)!;
        var lines = new List<string>();
        var steps = new List<long>();
        var signalled = false;
        void Received(string? line)
        {
            if (line is null) return;
            lock (lines)
            {
                lines.Add(line);
                if (line.StartsWith("{\"event\":\"step\"", StringComparison.Ordinal))
                    steps.Add(JsonDocument.Parse(line).RootElement.GetProperty("step").GetInt64());
                if (!signalled && signalWhen(line))
                {
                    // No assertion here: this runs on an event thread, where a throw would end the test host.
                    signalled = SendSignal(process.Id, SignalTerm) == 0;
                }
            }
        }
        process.OutputDataReceived += (_, e) => Received(e.Data);
        process.ErrorDataReceived += (_, e) => Received(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        process.WaitForExit(); // drains the output callbacks
        lock (lines) return new TrainerRun(process.ExitCode, string.Join('\n', lines), [.. steps]);
    }

    private const int SignalTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
