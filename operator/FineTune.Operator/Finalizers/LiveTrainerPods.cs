using k8s.Models;

namespace FineTune.Operator.Finalizers;

/// <summary>
/// The trainer pods that may still write outputs: every pod whose containers have not all stopped (phase neither
/// Succeeded nor Failed), whether it is still running, starting, or terminating after its SIGTERM (a trainer uses its
/// termination grace period to finish a step and upload a checkpoint).
/// </summary>
public static class LiveTrainerPods
{
    /// <summary>Pods named in a message; the count is always complete.</summary>
    private const int NamedInMessage = 5;

    /// <summary>The pods of <paramref name="pods"/> that may still write, by name.</summary>
    public static IReadOnlyList<V1Pod> Among(IEnumerable<V1Pod> pods)
        => pods.Where(p => p.Status?.Phase is not ("Succeeded" or "Failed"))
            .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();

    /// <summary>
    /// What the finalizer is waiting for, as the message of its event and condition: the count, then the first pods
    /// by name with their phase and whether they got their SIGTERM already.
    /// </summary>
    public static string WaitingMessage(IReadOnlyList<V1Pod> live)
    {
        var named = live.Take(NamedInMessage)
            .Select(p => $"{p.Metadata.Name} ({p.Status?.Phase ?? "Pending"}{(p.Metadata.DeletionTimestamp is null ? "" : ", terminating")})");
        var more = live.Count > NamedInMessage ? $", and {live.Count - NamedInMessage} more" : "";
        return $"waiting for {live.Count} trainer pod(s) to stop before deleting outputs: {string.Join(", ", named)}{more}";
    }
}
