using FineTune.Operator.Builders;
using FineTune.Operator.Tests.Support;

namespace FineTune.Operator.Tests.Builders;

public class SpecHasherTests
{
    [Fact]
    public void Hash_is_stable_for_an_unchanged_spec()
        => Assert.Equal(SpecHasher.Hash(TestJobs.Lora().Spec), SpecHasher.Hash(TestJobs.Lora().Spec));

    [Fact]
    public void Training_changes_change_the_hash()
    {
        var changed = TestJobs.Lora();
        changed.Spec.Hyperparameters.LearningRate = 1e-4;
        Assert.NotEqual(SpecHasher.Hash(TestJobs.Lora().Spec), SpecHasher.Hash(changed.Spec));
        var dataset = TestJobs.Lora();
        dataset.Spec.Dataset!.Uri = "s3://datasets/support/v2.jsonl";
        Assert.NotEqual(SpecHasher.Hash(TestJobs.Lora().Spec), SpecHasher.Hash(dataset.Spec));
    }

    [Fact]
    public void Operational_changes_keep_the_hash()
    {
        var changed = TestJobs.Lora();
        changed.Spec.Resources.Gpus = 4;
        changed.Spec.Image = "example.com/trainer:2";
        changed.Spec.Scheduling.Priority = 10;
        changed.Spec.RunPolicy.Suspend = true;
        changed.Spec.RunPolicy.BackoffLimit = 7;
        Assert.Equal(SpecHasher.Hash(TestJobs.Lora().Spec), SpecHasher.Hash(changed.Spec));
    }
}
