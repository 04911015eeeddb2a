using FineTune.Operator.Finalizers;
using k8s.Models;

namespace FineTune.Operator.Tests.Finalizers;

public sealed class LiveTrainerPodsTests
{
    private static V1Pod Pod(string name, string? phase, bool terminating = false) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, DeletionTimestamp = terminating ? DateTime.UtcNow : null },
        Status = phase is null ? null : new V1PodStatus { Phase = phase },
    };

    [Fact]
    public void Pods_whose_containers_stopped_do_not_count_even_while_they_are_being_deleted()
    {
        var pods = new[]
        {
            Pod("d-running", "Running"), Pod("a-terminating", "Running", terminating: true), Pod("c-pending", "Pending"),
            Pod("b-no-status", null), Pod("e-done", "Succeeded"), Pod("f-failed", "Failed", terminating: true),
        };

        Assert.Equal(["a-terminating", "b-no-status", "c-pending", "d-running"], LiveTrainerPods.Among(pods).Select(p => p.Metadata.Name));
    }

    [Fact]
    public void Waiting_message_counts_every_pod_and_names_the_first_five()
    {
        var pods = Enumerable.Range(1, 7).Select(i => Pod($"p{i}", "Running", terminating: i == 1)).ToList();

        Assert.Equal("waiting for 7 trainer pod(s) to stop before deleting outputs: p1 (Running, terminating), p2 (Running), "
                     + "p3 (Running), p4 (Running), p5 (Running), and 2 more", LiveTrainerPods.WaitingMessage(pods));
        Assert.Equal("waiting for 1 trainer pod(s) to stop before deleting outputs: q (Pending)",
            LiveTrainerPods.WaitingMessage([Pod("q", null)]));
    }
}
