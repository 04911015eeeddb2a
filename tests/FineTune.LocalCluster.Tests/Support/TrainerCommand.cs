using System.Diagnostics;

namespace FineTune.LocalCluster.Tests.Support;

/// <summary>Runs the built trainer directly (not through the cluster), for setup such as <c>trainer init</c>.</summary>
public static class TrainerCommand
{
    /// <summary>Runs <c>trainer ARGS</c> in <paramref name="workingDirectory"/>; fails with its output when it exits non-zero.</summary>
    public static async Task RunAsync(string workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo(RepositoryPaths.Trainer)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"trainer {string.Join(' ', arguments)} exited {process.ExitCode}: {await output}{await errors}");
    }
}
