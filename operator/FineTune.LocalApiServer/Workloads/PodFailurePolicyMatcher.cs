using k8s.Models;

namespace FineTune.LocalApiServer.Workloads;

/// <summary>
/// Applies a batch/v1 podFailurePolicy to a failed pod as the Job controller does: rules in order, the first match
/// wins. onExitCodes looks at terminated containers (init containers too) with a non-zero exit code, optionally only
/// the named one, with In / NotIn; onPodConditions matches a pod condition by type and status (default True).
/// </summary>
public static class PodFailurePolicyMatcher
{
    /// <summary>The verdict for <paramref name="pod"/> (which must be in phase Failed) under <paramref name="policy"/>.</summary>
    public static PodFailureVerdict Match(V1PodFailurePolicy? policy, V1Pod pod)
    {
        if (policy?.Rules is not { Count: > 0 } rules) return PodFailureVerdict.CountByDefault;
        var podName = $"{pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}";
        for (var index = 0; index < rules.Count; index++)
        {
            var rule = rules[index];
            if (rule.OnExitCodes is { } exitCodes && MatchingContainer(pod, exitCodes) is { } container)
            {
                return new PodFailureVerdict(rule.Action,
                    $"Container {container.Name} for pod {podName} failed with exit code {container.State.Terminated.ExitCode} matching {rule.Action} rule at index {index}");
            }

            if (rule.OnPodConditions is { Count: > 0 } patterns && patterns.FirstOrDefault(p => HasCondition(pod, p)) is { } pattern)
            {
                return new PodFailureVerdict(rule.Action, $"Pod {podName} has condition {pattern.Type} matching {rule.Action} rule at index {index}");
            }
        }

        return PodFailureVerdict.CountByDefault;
    }

    private static V1ContainerStatus? MatchingContainer(V1Pod pod, V1PodFailurePolicyOnExitCodesRequirement requirement)
    {
        var statuses = (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? []);
        foreach (var status in statuses)
        {
            if (status.State?.Terminated is not { } terminated || terminated.ExitCode == 0) continue;
            if (requirement.ContainerName is { } name && name != status.Name) continue;
            var listed = requirement.Values?.Contains(terminated.ExitCode) == true;
            if (requirement.OperatorProperty switch { "In" => listed, "NotIn" => !listed, _ => false }) return status;
        }

        return null;
    }

    private static bool HasCondition(V1Pod pod, V1PodFailurePolicyOnPodConditionsPattern pattern) =>
        pod.Status?.Conditions?.Any(c => c.Type == pattern.Type && c.Status == (pattern.Status ?? "True")) == true;
}
