using System.Diagnostics;
using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.Checkpoints;
using FineTune.Trainer.Tests.Fixtures;
using FineTune.Trainer.Tests.Storage.S3;

namespace FineTune.Trainer.Tests.Storage.Checkpoints;

/// <summary>A process saving a checkpoint to a real S3 server is killed with SIGKILL in the middle of the upload.</summary>
public sealed class CheckpointKillTests(S3rverFixture s3) : IClassFixture<S3rverFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_save_killed_mid_upload_leaves_nothing_resume_trusts_and_the_next_save_clears_it()
    {
        using var temp = new TemporaryDirectory();
        using var store = s3.CreateStore();
        var run = StorageUri.S3(S3rverFixture.Bucket, $"runs/kill-{Guid.NewGuid():N}/");
        var checkpoints = new CheckpointStore(store, run);
        temp.WriteRandomFile("small/model.safetensors", 1 << 20, seed: 1);
        await checkpoints.SaveAsync(temp.Combine("small"), step: 10);
        foreach (var (name, seed) in new[] { ("a-model.safetensors", 2), ("b-optimizer.pt", 3), ("c-rng.pt", 4) })
            temp.WriteRandomFile($"large/{name}", 16L << 20, seed);

        using var child = StartSave(temp.Combine("large"), run, step: 20);
        var output = new List<string>();
        child.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        child.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();

        // Kill as soon as the first file of step 20 is in the store, while the others are still on their way.
        var watch = Stopwatch.StartNew();
        while ((await store.ListAsync(checkpoints.LocationOf(20))).Count == 0)
        {
            Assert.False(child.HasExited, $"the saving process ended before uploading anything: {string.Join('\n', output)}");
            Assert.True(watch.Elapsed < Timeout, "no file of step 20 appeared in time");
            await Task.Delay(20);
        }

        child.Kill(entireProcessTree: true); // SIGKILL: no cleanup, no finally blocks
        await child.WaitForExitAsync().WaitAsync(Timeout);
        lock (output) Assert.DoesNotContain("saved", output);

        var left = await store.ListAsync(checkpoints.LocationOf(20));
        Assert.NotEmpty(left);
        Assert.DoesNotContain(left, o => o.Uri.Name == CheckpointStore.ManifestName);
        Assert.Equal(10, (await checkpoints.LatestVerifiedAsync())!.Step);
        Assert.Equal(10, (await checkpoints.RestoreLatestAsync(temp.Combine("restored")))!.Step);

        await checkpoints.SaveAsync(temp.Combine("small"), step: 30);
        Assert.Empty(await store.ListAsync(checkpoints.LocationOf(20)));
        Assert.Equal([10, 30], (await checkpoints.ListVerifiedAsync()).Select(c => c.Step));
    }

    private Process StartSave(string directory, StorageUri run, long step)
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "FineTune.Trainer.StorageBench.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { tool, "save-checkpoint", directory, run.ToString(), step.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--endpoint", s3.Server.Endpoint.ToString(), "--parallelism", "1" })
            start.ArgumentList.Add(argument);
        start.Environment["AWS_ACCESS_KEY_ID"] = S3rverProcess.AccessKey;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = S3rverProcess.SecretKey;
        return Process.Start(start)!;
    }
}
