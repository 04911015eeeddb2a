using System.Globalization;
using FineTune.Api.Contract;

namespace FineTune.Trainer.Jobs;

/// <summary>Chooses the run id outputs are written under: given, else FINETUNE_RUN_ID (set by the operator), else the time.</summary>
public static class RunIds
{
    /// <summary>The run id for this process.</summary>
    public static string Resolve(string? explicitId, string? environment, DateTimeOffset now)
    {
        var id = !string.IsNullOrWhiteSpace(explicitId) ? explicitId.Trim()
            : !string.IsNullOrWhiteSpace(environment) ? environment.Trim()
            : "run-" + now.UtcDateTime.ToString("yyyyMMdd't'HHmmss", CultureInfo.InvariantCulture);
        if (id.IndexOfAny(['/', '\\']) >= 0 || id is "." or "..")
            throw new JobInputException($"run id: '{id}' cannot be used as a folder name; use letters, digits, '-' and '.'.");
        return id;
    }

    /// <summary>The run id from the command line or <see cref="TrainerEnvironment.RunId"/>.</summary>
    public static string Resolve(string? explicitId) =>
        Resolve(explicitId, Environment.GetEnvironmentVariable(TrainerEnvironment.RunId), DateTimeOffset.UtcNow);
}
