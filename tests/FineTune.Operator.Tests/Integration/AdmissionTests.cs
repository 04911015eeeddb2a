using FineTune.Api.V1Alpha1;
using FineTune.Operator.Status;
using FineTune.Operator.Tests.Support;

namespace FineTune.Operator.Tests.Integration;

public class AdmissionTests : ClusterFixture
{
    [Fact]
    public async Task Second_job_queues_until_the_first_frees_the_gpus()
    {
        await StartOperatorAsync(o => o.QueueGpuCapacity = new() { ["default"] = 1 });
        await CreateAsync(TestJobs.Lora("first"));
        var first = await WaitForTrainingJob("first", "train");
        await CreateAsync(TestJobs.Lora("second"));
        var queued = await WaitForPhase("second", JobPhase.Queued);
        Assert.Equal(0, queued.Status!.Queue!.Position);
        Assert.Equal(ConditionReasons.WaitingForCapacity, Conditions.Find(queued.Status.Conditions, ConditionTypes.Admitted)!.Reason);
        Assert.Empty(TrainingJobs("second"));

        MarkSucceeded(first);
        await WaitForPhase("first", JobPhase.Succeeded);
        await WaitForTrainingJob("second", "train");
        // The status is written right after the Job is created.
        await Eventually(() => Get("second"), j => Conditions.IsTrue(j.Status?.Conditions, ConditionTypes.Admitted), "second to be admitted");
    }
}
