using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Models.Layers;

/// <summary>
/// GPT-2's "Conv1D": a linear layer whose weight is stored transposed, [in_features, out_features], computing
/// y = x·W + b. Kept in that layout so GPT-2 checkpoints load unchanged.
/// </summary>
public sealed class Conv1D : nn.Module<Tensor, Tensor>
{
    /// <summary>[in_features, out_features].</summary>
    public Parameter weight;

    /// <summary>[out_features].</summary>
    public Parameter bias;

    /// <summary>Creates the layer with N(0, 0.02) weights and zero bias (HF's GPT-2 initialisation).</summary>
    public Conv1D(long inFeatures, long outFeatures) : base(nameof(Conv1D))
    {
        weight = new Parameter(empty(inFeatures, outFeatures).normal_(0.0, 0.02));
        bias = new Parameter(zeros(outFeatures));
        RegisterComponents();
    }

    /// <summary>Input features.</summary>
    public long InFeatures => weight.shape[0];

    /// <summary>Output features.</summary>
    public long OutFeatures => weight.shape[1];

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var lead = input.shape[..^1];
        using var flat = input.reshape(-1, input.shape[^1]);
        using var output = addmm(bias, flat, weight, 1.0f, 1.0f);
        return output.view([.. lead, OutFeatures]);
    }
}
