using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Peft;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Adapter;

/// <summary>
/// A sublayer's output projection followed by a bottleneck adapter with its own residual (Houlsby et al., 2019,
/// arXiv 1902.00751): h = base(x); y = h + up(f(down(h))), down: d → m, up: m → d, m = d / reduction factor.
/// up starts at zero, so the layer starts as its base. Like LoRA's wrapper it keeps the base layer's weight and bias
/// under their own names and adds adapter_down.* and adapter_up.*.
/// </summary>
public sealed class BottleneckLayer : nn.Module<Tensor, Tensor>
{
    /// <summary>The base weight, in the base layer's layout.</summary>
    public Parameter weight;

    /// <summary>The base bias (null when the base has none).</summary>
    public Parameter? bias;

    /// <summary>Down-projection d → m.</summary>
    public Linear adapter_down;

    /// <summary>Up-projection m → d, zero at start.</summary>
    public Linear adapter_up;

    private readonly bool _fanInFanOut;
    private readonly NonLinearity _activation;

    /// <summary>Wraps <paramref name="baseWeights"/> with a bottleneck of width <paramref name="bottleneck"/>.</summary>
    public BottleneckLayer(LinearWeights baseWeights, int bottleneck, NonLinearity activation) : base(nameof(BottleneckLayer))
    {
        weight = baseWeights.Weight;
        bias = baseWeights.Bias;
        _fanInFanOut = baseWeights.FanInFanOut;
        _activation = activation;
        adapter_down = nn.Linear(baseWeights.OutFeatures, bottleneck);
        adapter_up = nn.Linear(bottleneck, baseWeights.OutFeatures);
        using (no_grad())
        {
            adapter_up.weight!.zero_();
            adapter_up.bias!.zero_();
        }
        if (weight.device.type != DeviceType.CPU || weight.dtype != ScalarType.Float32)
        {
            adapter_down.to(weight.device).to(weight.dtype);
            adapter_up.to(weight.device).to(weight.dtype);
        }
        RegisterComponents();
    }

    /// <summary>False while the adapter is switched off: the layer computes its base.</summary>
    public bool Enabled { get; set; } = true;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var output = LinearWeights.Project(input, weight, bias, _fanInFanOut);
        if (!Enabled) return output;
        using var scope = NewDisposeScope();
        var down = adapter_down.forward(output);
        var activated = _activation switch
        {
            NonLinearity.Relu => nn.functional.relu(down),
            NonLinearity.Gelu => nn.functional.gelu(down),
            NonLinearity.Silu => nn.functional.silu(down),
            NonLinearity.Tanh => down.tanh(),
            _ => throw new ArgumentOutOfRangeException(nameof(_activation), _activation, "adapter.nonLinearity"),
        };
        return output.add(adapter_up.forward(activated)).MoveToOuterDisposeScope();
    }
}
