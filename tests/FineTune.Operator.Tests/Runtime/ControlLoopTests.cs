using FineTune.Operator.Runtime;
using FineTune.Operator.Tests.Support;
using k8s;
using FineTune.Api.V1Alpha1;

namespace FineTune.Operator.Tests.Runtime;

public class ControlLoopTests
{
    private static FineTuneJob Copy(FineTuneJob job) => KubernetesJson.Deserialize<FineTuneJob>(KubernetesJson.Serialize(job));

    [Fact]
    public void Status_only_updates_are_skipped()
    {
        var old = TestJobs.Lora();
        var updated = Copy(old);
        updated.Metadata.ResourceVersion = "11";
        updated.Status = new FineTuneJobStatus { Phase = JobPhase.Running, Progress = new ProgressStatus { Step = 5 } };
        Assert.False(ControlLoop.NeedsReconcile(old, updated));
    }

    [Fact]
    public void Spec_changes_deletion_and_finalizer_changes_are_reconciled()
    {
        var old = TestJobs.Lora();
        var spec = Copy(old);
        spec.Metadata.Generation = 2;
        Assert.True(ControlLoop.NeedsReconcile(old, spec));
        var deleting = Copy(old);
        deleting.Metadata.DeletionTimestamp = DateTime.UtcNow;
        Assert.True(ControlLoop.NeedsReconcile(old, deleting));
        var finalizer = Copy(old);
        finalizer.Metadata.Finalizers = ["finetune.dev/cleanup"];
        Assert.True(ControlLoop.NeedsReconcile(old, finalizer));
    }
}
