using FineTune.Trainer.Methods.Peft;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Qat;

/// <summary>
/// A linear layer trained through fake quantization: y = Q_a(x) · Q_w(W)ᵀ + b, where Q_w quantizes the weight onto
/// its grid (scales observed from the current weight on every call) and Q_a, when activation bits are set, quantizes
/// the input per token; both with straight-through gradients, so W itself keeps training in full precision. While
/// the <see cref="QatSchedule"/> is not yet active the layer is the plain linear layer. It takes over the base layer's
/// own Parameter objects (weight, bias), so parameter names and checkpoints are those of the base model. Works for
/// nn.Linear ([out, in]) and GPT-2's Conv1D ([in, out]).
/// </summary>
public sealed class FakeQuantLinear : nn.Module<Tensor, Tensor>
{
    /// <summary>The full-precision weight, in the base layer's layout.</summary>
    public Parameter weight;

    /// <summary>The bias (never quantized; null when the base has none).</summary>
    public Parameter? bias;

    private readonly bool _fanInFanOut;
    private readonly QatSchedule _schedule;

    /// <summary>Wraps <paramref name="baseWeights"/>.</summary>
    public FakeQuantLinear(LinearWeights baseWeights, WeightScheme weights, ActivationQuantizer? activations, QatSchedule schedule)
        : base(nameof(FakeQuantLinear))
    {
        weight = baseWeights.Weight;
        bias = baseWeights.Bias;
        _fanInFanOut = baseWeights.FanInFanOut;
        Weights = weights;
        Activations = activations;
        _schedule = schedule;
        RegisterComponents();
    }

    /// <summary>The weight quantization scheme.</summary>
    public WeightScheme Weights { get; }

    /// <summary>The input quantizer, or null when activations stay in floating point.</summary>
    public ActivationQuantizer? Activations { get; }

    /// <summary>True when the weight is in Conv1D layout [in, out].</summary>
    public bool FanInFanOut => _fanInFanOut;

    /// <summary>Input features.</summary>
    public long InFeatures => _fanInFanOut ? weight.shape[0] : weight.shape[1];

    /// <summary>True while forward passes fake-quantize.</summary>
    public bool Active => _schedule.Active;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (!Active) return LinearWeights.Project(input, weight, bias, _fanInFanOut);
        using var scope = NewDisposeScope();
        var x = Activations is null ? input : Activations.Apply(input);
        var quantized = Weights.FakeQuantize(weight, _fanInFanOut);
        return LinearWeights.Project(x, quantized, bias, _fanInFanOut).MoveToOuterDisposeScope();
    }

    /// <summary>The weight on its grid (float32, the layer's layout, no gradient): what the quantized forward uses.</summary>
    public Tensor QuantizedWeightValues()
    {
        using var noGrad = no_grad();
        return Weights.FakeQuantize(weight, _fanInFanOut).to(ScalarType.Float32);
    }

    /// <summary>The weight's integer codes with their scales and zero points.</summary>
    public QuantizedWeight Quantize() => Weights.Quantize(weight, _fanInFanOut);
}
