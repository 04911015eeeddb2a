using FineTune.Operator.Reconciliation;
using k8s.Models;

namespace FineTune.Operator.Tests.Reconciliation;

public class PodDiagnosisTests
{
    private static V1Pod Pod(string name, string job, int minute, V1PodStatus status) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            CreationTimestamp = new DateTime(2026, 11, 28, 10, minute, 0, DateTimeKind.Utc),
            Labels = new Dictionary<string, string> { ["batch.kubernetes.io/job-name"] = job },
        },
        Status = status,
    };

    private static V1PodStatus Terminated(int exitCode, string reason = "Error") => new()
    {
        Phase = "Failed",
        ContainerStatuses = [new V1ContainerStatus { Name = "trainer", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = exitCode, Reason = reason } } }],
    };

    [Fact]
    public void Unschedulable_pending_pod_is_reported_with_the_schedulers_message()
    {
        var pod = Pod("j-abc", "j", 0, new V1PodStatus
        {
            Phase = "Pending",
            Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = "Unschedulable", Message = "0/3 nodes are available: 3 Insufficient nvidia.com/gpu." }],
        });

        var diagnosis = PodDiagnosis.Of("j", [pod], "trainer");

        Assert.Equal(("Unschedulable", "pod j-abc cannot be scheduled: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu."), diagnosis.Waiting);
        Assert.Null(diagnosis.LastFailure);
    }

    [Fact]
    public void Image_pull_back_off_is_reported_and_a_normal_wait_is_not()
    {
        V1PodStatus Waiting(string reason) => new()
        {
            Phase = "Pending",
            ContainerStatuses = [new V1ContainerStatus { Name = "trainer", State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = reason, Message = "Back-off pulling image \"trainer:typo\"" } } }],
        };

        Assert.Equal("ImagePullBackOff", PodDiagnosis.Of("j", [Pod("p", "j", 0, Waiting("ImagePullBackOff"))], "trainer").Waiting?.Reason);
        Assert.Contains("trainer:typo", PodDiagnosis.Of("j", [Pod("p", "j", 0, Waiting("ImagePullBackOff"))], "trainer").Waiting?.Message);
        Assert.Null(PodDiagnosis.Of("j", [Pod("p", "j", 0, Waiting("ContainerCreating"))], "trainer").Waiting);
    }

    [Fact]
    public void Latest_failed_attempt_wins_and_exit_codes_follow_the_trainer_contract()
    {
        var pods = new[]
        {
            Pod("j-2", "j", 2, Terminated(2)),
            Pod("j-1", "j", 1, Terminated(1)),
            Pod("other-1", "other", 3, Terminated(3)),
        };

        var failure = PodDiagnosis.Of("j", pods, "trainer").LastFailure!;

        Assert.Equal(("j-2", 2), (failure.Pod, failure.ExitCode));
        Assert.True(failure.IsFinal);
        Assert.Contains("exited with code 2", failure.ToString());
        Assert.Contains("invalid input", failure.ToString());
        Assert.False(PodDiagnosis.Of("j", [pods[1]], "trainer").LastFailure!.IsFinal);
        Assert.Contains("OOMKilled", PodDiagnosis.Of("j", [Pod("j-3", "j", 4, Terminated(137, "OOMKilled"))], "trainer").LastFailure!.ToString());
        Assert.Same(PodDiagnosis.None, PodDiagnosis.Of("j", [pods[2]], "trainer"));
    }
}
