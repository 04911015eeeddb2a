using FineTune.Api.V1Alpha1;
using FineTune.Operator.Status;

namespace FineTune.Operator.Tests.Status;

public class ConditionsTests
{
    private static readonly DateTime T0 = new(2026, 11, 28, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Transition_time_moves_only_when_the_status_flips()
    {
        var list = new List<Condition>();
        Assert.True(Conditions.Set(list, "Running", ConditionStatus.False, "StagePending", null, 1, T0));
        Assert.False(Conditions.Set(list, "Running", ConditionStatus.False, "Queued", "position 2", 2, T0.AddMinutes(1)));
        var same = Assert.Single(list);
        Assert.Equal((T0, "Queued", "position 2", 2L), (same.LastTransitionTime, same.Reason, same.Message, same.ObservedGeneration!.Value));
        Assert.True(Conditions.Set(list, "Running", ConditionStatus.True, "StageRunning", null, 2, T0.AddMinutes(2)));
        Assert.Equal(T0.AddMinutes(2), Assert.Single(list).LastTransitionTime);
    }

    [Fact]
    public void One_condition_per_type()
    {
        var list = new List<Condition>();
        Conditions.Set(list, "Ready", ConditionStatus.True, "SpecValid", null, 1, T0);
        Conditions.Set(list, "Admitted", ConditionStatus.False, "WaitingForCapacity", null, 1, T0);
        Conditions.Set(list, "Ready", ConditionStatus.False, "InvalidSpec", "bad", 2, T0);
        Assert.Equal(2, list.Count);
        Assert.False(Conditions.IsTrue(list, "Ready"));
        Assert.Equal("InvalidSpec", Conditions.Find(list, "Ready")!.Reason);
    }
}
