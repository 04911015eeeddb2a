using FineTune.Trainer.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Peft;

/// <summary>
/// The weight and bias of a linear layer in either layout the models use: nn.Linear ([out, in], y = x·Wᵀ + b) or
/// GPT-2's Conv1D ([in, out], y = x·W + b; PEFT calls this fan_in_fan_out). Wrappers that replace a linear layer keep
/// its Parameter objects under the same names (weight, bias), so base parameter names and checkpoints do not change.
/// </summary>
public sealed record LinearWeights(Parameter Weight, Parameter? Bias, bool FanInFanOut)
{
    /// <summary>Input features.</summary>
    public long InFeatures => FanInFanOut ? Weight.shape[0] : Weight.shape[1];

    /// <summary>Output features.</summary>
    public long OutFeatures => FanInFanOut ? Weight.shape[1] : Weight.shape[0];

    /// <summary>The weights of <paramref name="module"/>, or null when it is not a linear layer.</summary>
    public static LinearWeights? Of(nn.Module module) => module switch
    {
        Linear linear => new LinearWeights(linear.weight!, linear.bias, FanInFanOut: false),
        Conv1D conv => new LinearWeights(conv.weight, conv.bias, FanInFanOut: true),
        _ => null,
    };

    /// <summary>x [.., in] → [.., out] with the given tensors in the given layout.</summary>
    public static Tensor Project(Tensor input, Tensor weight, Tensor? bias, bool fanInFanOut)
    {
        if (!fanInFanOut) return nn.functional.linear(input, weight, bias);
        var lead = input.shape[..^1];
        using var flat = input.reshape(-1, input.shape[^1]);
        using var output = bias is null ? flat.mm(weight) : addmm(bias, flat, weight, 1.0f, 1.0f);
        return output.view([.. lead, weight.shape[1]]);
    }
}
