using System.Globalization;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Storage;
using FineTune.Trainer.Storage.Checkpoints;

namespace FineTune.Trainer.StorageBench;

/// <summary>
/// `save-checkpoint DIR RUN-URI STEP [--endpoint URL] [--parallelism N]`: saves one checkpoint the way the trainer
/// does, in a process of its own, so tests can kill it mid-upload with SIGKILL. Prints "uploading" before the first
/// byte goes out and "saved" once the manifest is written.
/// </summary>
public static class SaveCheckpointCommand
{
    /// <summary>The command word.</summary>
    public const string Name = "save-checkpoint";

    /// <summary>Runs the command; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 3 || !long.TryParse(args[2], NumberStyles.None, CultureInfo.InvariantCulture, out var step))
        {
            Console.Error.WriteLine($"usage: {Name} DIR RUN-URI STEP [--endpoint URL] [--parallelism N]");
            return 2;
        }

        string? endpoint = null;
        var parallelism = 1;
        for (var i = 3; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--endpoint") endpoint = args[i + 1];
            else if (args[i] == "--parallelism" && !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out parallelism))
            {
                Console.Error.WriteLine($"--parallelism is '{args[i + 1]}'; expected a positive whole number");
                return 2;
            }
        }

        var run = StorageUri.Parse(args[1]);
        using var storage = run.IsS3 ? ObjectStorage.ForJob(new StorageSpec { Endpoint = endpoint ?? "" }) : new ObjectStorage();
        var checkpoints = new CheckpointStore(storage, run, parallelism: parallelism);
        Console.WriteLine("uploading");
        try
        {
            await checkpoints.SaveAsync(args[0], step);
        }
        catch (StorageException error)
        {
            Console.Error.WriteLine(error.Message);
            return 1;
        }

        Console.WriteLine("saved");
        return 0;
    }
}
