using FineTune.Api.V1Alpha1;
using FineTune.Operator.Configuration;
using FineTune.Operator.Scheduling;
using FineTune.Operator.Status;
using FineTune.Operator.Tests.Support;

namespace FineTune.Operator.Tests.Scheduling;

public class AdmissionQueueTests
{
    private static readonly DateTime T0 = new(2026, 11, 28, 10, 0, 0, DateTimeKind.Utc);

    private static FineTuneJob Job(string name, int gpus, int minute, int? priority = null, bool admitted = false)
    {
        var job = TestJobs.Lora(name);
        job.Spec.Resources.Gpus = gpus;
        job.Spec.Scheduling.Priority = priority;
        job.Metadata.CreationTimestamp = T0.AddMinutes(minute);
        job.Status = new FineTuneJobStatus { Phase = admitted ? JobPhase.Running : JobPhase.Pending, Conditions = [] };
        if (admitted)
            Conditions.Set(job.Status.Conditions, ConditionTypes.Admitted, ConditionStatus.True, "CapacityAvailable", null, 1, T0);
        return job;
    }

    private static AdmissionQueue Queue(int capacity) => new(new OperatorOptions { QueueGpuCapacity = new() { ["default"] = capacity } });

    [Fact]
    public void Queue_without_a_limit_admits_everything()
    {
        var queue = new AdmissionQueue(new OperatorOptions());
        Assert.True(queue.Decide(Job("a", 64, 0), []).Admitted);
    }

    [Fact]
    public void Jobs_wait_while_the_capacity_is_in_use()
    {
        var queue = Queue(4);
        var running = Job("running", 3, 0, admitted: true);
        var waiting = Job("waiting", 2, 1);
        var decision = queue.Decide(waiting, [running, waiting]);
        Assert.False(decision.Admitted);
        Assert.Equal(0, decision.Position);
        Assert.Contains("3 of 4", decision.Message);
        running.Status!.Phase = JobPhase.Succeeded;
        Assert.True(queue.Decide(waiting, [running, waiting]).Admitted);
    }

    [Fact]
    public void Higher_priority_then_older_jobs_go_first()
    {
        var queue = Queue(1);
        var holder = Job("holder", 1, 0, admitted: true);
        var old = Job("old", 1, 1);
        var young = Job("young", 1, 2);
        var urgent = Job("urgent", 1, 3, priority: 10);
        var all = new[] { holder, old, young, urgent };
        Assert.Equal(0, queue.Decide(urgent, all).Position);
        Assert.Equal(1, queue.Decide(old, all).Position);
        Assert.Equal(2, queue.Decide(young, all).Position);
    }

    [Fact]
    public void Parallel_decisions_never_hand_out_the_same_gpus()
    {
        var queue = Queue(1);
        var a = Job("a", 1, 0);
        var b = Job("b", 1, 0);
        // Both still look unadmitted in the cache; the reservation of the first decision must block the second.
        var first = queue.Decide(a, [a, b]);
        var second = queue.Decide(b, [a, b]);
        Assert.True(first.Admitted ^ second.Admitted);
        queue.Release(first.Admitted ? "ml/a" : "ml/b");
    }
}
