using FineTune.LocalCluster.Runner;

namespace FineTune.LocalCluster.Tests.Runner;

public sealed class MountPathMapTests
{
    [Theory]
    [InlineData("/etc/finetune/job.yaml", "/pod/etc/finetune/job.yaml")]
    [InlineData("/etc/finetune", "/pod/etc/finetune")]
    [InlineData("/etc/finetune/extra/a.txt", "/elsewhere/a.txt")]
    [InlineData("/etc/finetuneX/job.yaml", "/etc/finetuneX/job.yaml")]
    [InlineData("/scratch/", "/pod/scratch")]
    [InlineData("relative/scratch", "relative/scratch")]
    [InlineData("s3://bucket/scratch", "s3://bucket/scratch")]
    public void Paths_under_a_mount_are_rewritten_by_the_longest_mount(string value, string expected)
    {
        var map = new MountPathMap();
        map.Add("/etc/finetune", "/pod/etc/finetune");
        map.Add("/etc/finetune/extra/", "/elsewhere");
        map.Add("/scratch", "/pod/scratch");

        Assert.Equal(expected, map.Map(value));
    }
}
