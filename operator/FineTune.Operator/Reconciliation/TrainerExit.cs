using FineTune.Api.Contract;

namespace FineTune.Operator.Reconciliation;

/// <summary>A terminated trainer container of one attempt: which pod, its exit code and the kubelet's reason.</summary>
/// <param name="Pod">The pod's name.</param>
/// <param name="ExitCode">The trainer's exit code.</param>
/// <param name="Reason">The kubelet's reason (Error, OOMKilled, ...).</param>
/// <param name="Message">The termination message, when the container wrote one.</param>
public sealed record TrainerExit(string Pod, int ExitCode, string? Reason, string? Message)
{
    /// <summary>True for exit codes a retry cannot fix (<see cref="TrainerExitCodes.InvalidInput"/>, <see cref="TrainerExitCodes.Diverged"/>).</summary>
    public bool IsFinal => ExitCode is TrainerExitCodes.InvalidInput or TrainerExitCodes.Diverged;

    /// <summary>What the exit code means by the trainer contract.</summary>
    public string Meaning => ExitCode switch
    {
        TrainerExitCodes.Failed => "failed, retried from the last checkpoint",
        TrainerExitCodes.InvalidInput => "invalid input: the manifest, model or dataset is wrong; not retried",
        TrainerExitCodes.Diverged => "training diverged (loss NaN or infinite); not retried, the last good checkpoint is kept",
        TrainerExitCodes.Interrupted => "interrupted (SIGTERM) after writing a checkpoint; does not count against backoffLimit",
        137 => "killed (SIGKILL)",
        _ => "unexpected exit code",
    };

    /// <summary>One line for conditions, stage messages and events.</summary>
    public override string ToString()
    {
        var reason = string.IsNullOrEmpty(Reason) || Reason == "Error" ? "" : $" ({Reason})";
        var message = string.IsNullOrWhiteSpace(Message) ? "" : $": {Message.Trim()}";
        return $"pod {Pod}: trainer exited with code {ExitCode}{reason}, {Meaning}{message}";
    }
}
