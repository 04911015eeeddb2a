using FineTune.Trainer.Runtime;
using TorchSharp;

namespace FineTune.Trainer.Tests.Runtime;

public sealed class DeviceSelectorTests
{
    [Fact]
    public void Auto_picks_cuda_only_when_it_is_available()
    {
        Assert.Equal(DeviceType.CUDA, DeviceSelector.Select("auto", () => true).type);
        Assert.Equal(DeviceType.CPU, DeviceSelector.Select("auto", () => false).type);
    }

    [Fact]
    public void Explicit_cuda_index_is_kept()
    {
        var device = DeviceSelector.Select("cuda:1", () => true);
        Assert.Equal(DeviceType.CUDA, device.type);
        Assert.Equal(1, device.index);
    }

    [Fact]
    public void Cuda_without_a_gpu_is_an_error_not_a_silent_cpu_run()
    {
        var error = Assert.Throws<ArgumentException>(() => DeviceSelector.Select("cuda", () => false));
        Assert.StartsWith("device: 'cuda'", error.Message);
    }

    [Fact]
    public void Unknown_device_lists_the_accepted_values()
    {
        var error = Assert.Throws<ArgumentException>(() => DeviceSelector.Select("tpu", () => false));
        Assert.Contains("auto, cpu, cuda or cuda:N", error.Message);
    }
}
