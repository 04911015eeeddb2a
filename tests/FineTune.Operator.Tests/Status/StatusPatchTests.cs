using System.Text.Json.Nodes;
using FineTune.Api.V1Alpha1;
using FineTune.Operator.Status;

namespace FineTune.Operator.Tests.Status;

public class StatusPatchTests
{
    [Fact]
    public void Patch_sends_explicit_nulls_so_cleared_fields_are_removed()
    {
        var patch = JsonNode.Parse(StatusPatch.Build(new FineTuneJobStatus { Phase = JobPhase.Pending, RunId = "r1" }, clearTrainerFields: false))!["status"]!.AsObject();
        Assert.Equal("Pending", patch["phase"]!.GetValue<string>());
        Assert.True(patch.ContainsKey("completionTime"));
        Assert.Null(patch["completionTime"]);
        Assert.False(patch.ContainsKey("progress"), "progress belongs to the trainer");
    }

    [Fact]
    public void New_run_clears_the_trainer_fields()
    {
        var patch = JsonNode.Parse(StatusPatch.Build(new FineTuneJobStatus(), clearTrainerFields: true))!["status"]!.AsObject();
        Assert.True(patch.ContainsKey("progress") && patch["progress"] is null);
        Assert.True(patch.ContainsKey("lastCheckpoint") && patch["lastCheckpoint"] is null);
    }

    [Fact]
    public void Trainer_progress_alone_is_not_a_difference()
    {
        var current = new FineTuneJobStatus { Phase = JobPhase.Running, Progress = new ProgressStatus { Step = 10, TotalSteps = 100 } };
        var desired = new FineTuneJobStatus { Phase = JobPhase.Running };
        Assert.False(StatusPatch.Differs(current, desired));
        desired.CurrentStage = "train";
        Assert.True(StatusPatch.Differs(current, desired));
    }
}
