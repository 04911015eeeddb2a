using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Runtime;

/// <summary>Turns the spec's device choice ("auto", "cpu", "cuda", "cuda:N") into a TorchSharp device.</summary>
public static class DeviceSelector
{
    /// <summary>
    /// "auto" picks CUDA when a GPU and the CUDA build of libtorch are present, else the CPU. "cuda" without a GPU is an
    /// error (a job asked for a GPU and must not silently run 100× slower).
    /// </summary>
    public static Device Select(string requested, Func<bool>? cudaAvailable = null)
    {
        cudaAvailable ??= torch.cuda.is_available;
        var text = requested.Trim().ToLowerInvariant();
        if (text is "" or "auto") return cudaAvailable() ? new Device(DeviceType.CUDA, 0) : CPU;
        if (text == "cpu") return CPU;
        if (text == "cuda" || text.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!cudaAvailable())
                throw new ArgumentException(
                    $"device: '{requested}' was requested but no CUDA device is usable (no GPU, or the CPU-only libtorch " +
                    "package is installed); use 'cpu' or 'auto'.");
            if (text == "cuda") return new Device(DeviceType.CUDA, 0);
            if (int.TryParse(text["cuda:".Length..], out var index) && index >= 0) return new Device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"device: '{requested}' is not a device; expected auto, cpu, cuda or cuda:N.");
    }
}
