using System.Globalization;
using FineTune.Api.Contract;

namespace FineTune.Trainer.Jobs;

/// <summary>
/// The time a trainer may spend after SIGTERM finishing its step and writing a checkpoint
/// (<see cref="TrainerEnvironment.CheckpointGraceSeconds"/>; the operator sets the pod's termination grace period a
/// little longer). A checkpoint save still running when it ends is aborted so the process can exit cleanly before
/// the kubelet's SIGKILL; the previous checkpoint stays the one resume uses.
/// </summary>
public static class CheckpointGrace
{
    /// <summary>The budget when the variable is not set (the operator's default).</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(300);

    /// <summary>The budget from the environment.</summary>
    /// <exception cref="JobInputException">The variable is set but is not a positive number of seconds.</exception>
    public static TimeSpan FromEnvironment(Func<string, string?>? environment = null)
    {
        var text = (environment ?? Environment.GetEnvironmentVariable)(TrainerEnvironment.CheckpointGraceSeconds);
        if (string.IsNullOrWhiteSpace(text)) return Default;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds) || seconds <= 0)
            throw new JobInputException($"{TrainerEnvironment.CheckpointGraceSeconds}: '{text}' is not a number of seconds; expected a positive number such as 300.");
        return TimeSpan.FromSeconds(seconds);
    }
}
