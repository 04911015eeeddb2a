using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>Compute each training pod requests, and where it may run.</summary>
[CelRule("self.gpus > 0 || self.device != 'cuda'", "device cuda needs gpus of at least 1", FieldPath = ".device")]
public sealed class ResourcesSpec
{
    /// <summary>GPUs per pod, requested as gpuResourceName; 0 runs on CPU.</summary>
    [Minimum(0), Maximum(64)]
    public int Gpus { get; set; } = 1;

    /// <summary>Extended resource the GPUs are requested as, e.g. nvidia.com/gpu or a MIG profile nvidia.com/mig-1g.10gb.</summary>
    [Pattern(Patterns.ExtendedResource, Patterns.ExtendedResourceAccepted), Length(Max = 253)]
    public string GpuResourceName { get; set; } = "nvidia.com/gpu";

    /// <summary>CPU request and limit; also sets the trainer's thread count.</summary>
    [IntOrString, Pattern(Patterns.Quantity, Patterns.QuantityAccepted), Length(Max = 64)]
    public string? Cpu { get; set; }

    /// <summary>Memory request and limit.</summary>
    [IntOrString, Pattern(Patterns.Quantity, Patterns.QuantityAccepted), Length(Max = 64)]
    public string? Memory { get; set; }

    /// <summary>auto (cuda when gpus is above 0), cpu or cuda.</summary>
    public ComputeDevice Device { get; set; } = ComputeDevice.Auto;

    /// <summary>Node labels the pods must match.</summary>
    public Dictionary<string, string>? NodeSelector { get; set; }

    /// <summary>Taints the pods tolerate (GPU nodes are often tainted).</summary>
    [ItemCount(Max = 64)]
    public List<Toleration>? Tolerations { get; set; }
}
