using FineTune.Trainer.Runtime;

namespace FineTune.Trainer.Tests.Runtime;

public sealed class ThreadSettingsTests
{
    [Fact]
    public void Omp_num_threads_wins_over_the_cpu_limit()
    {
        Assert.Equal((3, "OMP_NUM_THREADS"), ThreadSettings.Choose("3", cpuLimit: 2, processorCount: 8));
    }

    [Fact]
    public void Cpu_limit_is_used_when_omp_num_threads_is_unset()
    {
        Assert.Equal((2, "cgroup CPU limit"), ThreadSettings.Choose(null, cpuLimit: 2, processorCount: 8));
        Assert.Equal((8, "processor count"), ThreadSettings.Choose("", cpuLimit: null, processorCount: 8));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("two")]
    public void Invalid_omp_num_threads_names_the_variable(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => ThreadSettings.Choose(value, null, 4));
        Assert.Contains("OMP_NUM_THREADS", error.Message);
        Assert.Contains($"'{value}'", error.Message);
    }

    [Theory]
    [InlineData("max 100000", null)]
    [InlineData("200000 100000", 2)]
    [InlineData("150000 100000", 2)]
    [InlineData("50000 100000", 1)]
    public void Cgroup_v2_cpu_max_is_rounded_up_to_whole_cpus(string content, int? expected)
    {
        Assert.Equal(expected, CpuLimit.ParseCpuMax(content));
    }

    [Fact]
    public void Cgroup_v1_quota_is_read_from_the_cpu_controller()
    {
        var root = Path.Combine(Path.GetTempPath(), "cgroup-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "cpu"));
        try
        {
            File.WriteAllText(Path.Combine(root, "cpu", "cpu.cfs_quota_us"), "300000\n");
            File.WriteAllText(Path.Combine(root, "cpu", "cpu.cfs_period_us"), "100000\n");
            Assert.Equal(3, CpuLimit.Read(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
