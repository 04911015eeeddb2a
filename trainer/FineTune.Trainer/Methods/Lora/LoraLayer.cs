using FineTune.Trainer.Methods.Peft;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Lora;

/// <summary>
/// A linear layer with a low-rank update (Hu et al., 2021, arXiv 2106.09685):
/// y = base(x) + scaling · B(A(dropout(x))), A: [r, in], B: [out, r], scaling = alpha/r (alpha/√r with rsLoRA,
/// Kalajdzievski 2023). A starts like nn.Linear (Kaiming-uniform, as PEFT), B at zero, so the layer starts equal to
/// its base. It takes over the base layer's own Parameter objects as weight and bias, so base parameter names do not
/// change; the adapter adds lora_A.weight and lora_B.weight (PEFT's names). Works for nn.Linear and GPT-2's Conv1D.
/// </summary>
public sealed class LoraLayer : nn.Module<Tensor, Tensor>, IWrappedLinear, IMergeableLayer
{
    /// <summary>The base weight, in the base layer's layout.</summary>
    public Parameter weight;

    /// <summary>The base bias (null when the base has none).</summary>
    public Parameter? bias;

    /// <summary>Down-projection A: in → r.</summary>
    public Linear lora_A;

    /// <summary>Up-projection B: r → out, zero at start.</summary>
    public Linear lora_B;

    private readonly Dropout lora_dropout;
    private readonly bool _fanInFanOut;
    private readonly double _dropout;

    /// <summary>Wraps <paramref name="baseWeights"/> with a rank-<paramref name="rank"/> update.</summary>
    public LoraLayer(LinearWeights baseWeights, int rank, double scaling, double dropout) : base(nameof(LoraLayer))
    {
        weight = baseWeights.Weight;
        bias = baseWeights.Bias;
        _fanInFanOut = baseWeights.FanInFanOut;
        Rank = rank;
        Scaling = scaling;
        InFeatures = baseWeights.InFeatures;
        OutFeatures = baseWeights.OutFeatures;
        (lora_A, lora_B) = LowRankUpdate.Create(InFeatures, OutFeatures, rank, weight.device, weight.dtype);
        lora_dropout = nn.Dropout(dropout);
        _dropout = dropout;
        RegisterComponents();
    }

    /// <inheritdoc />
    public long InFeatures { get; }

    /// <inheritdoc />
    public long OutFeatures { get; }

    /// <summary>Rank r.</summary>
    public int Rank { get; }

    /// <summary>The factor on B·A.</summary>
    public double Scaling { get; }

    /// <summary>True when B·A has been added into <see cref="weight"/>.</summary>
    public bool Merged { get; private set; }

    /// <summary>False while the adapter is switched off: the layer computes its base.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>True when the base weight is in Conv1D layout [in, out].</summary>
    public bool FanInFanOut => _fanInFanOut;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (!Enabled && Merged)
            throw new InvalidOperationException("a merged LoRA layer cannot be switched off; unmerge it first.");
        if (!Enabled || Merged) return LinearWeights.Project(input, weight, bias, _fanInFanOut);
        using var scope = NewDisposeScope();
        // On rows x [N, in]: y = base(x), then the low-rank update in place (LowRankUpdate.AddInto says why).
        var rows = input.reshape(-1, input.shape[^1]);
        var output = _fanInFanOut
            ? (bias is null ? rows.mm(weight) : addmm(bias, rows, weight, 1.0f, 1.0f))
            : nn.functional.linear(rows, weight, bias);
        // Dropout with p = 0 would still copy the input in training mode: skip it.
        var dropped = _dropout > 0 ? lora_dropout.forward(rows) : rows;
        LowRankUpdate.AddInto(output, dropped, lora_A, lora_B, Scaling);
        return output.view([.. input.shape[..^1], output.shape[1]]).MoveToOuterDisposeScope();
    }

    /// <summary>scaling · B·A in the base weight's layout (a new tensor, no gradient).</summary>
    public Tensor DeltaWeight() => LowRankUpdate.Delta(lora_A, lora_B, Scaling, _fanInFanOut, weight.dtype);

    /// <summary>Adds the update into the base weight (no-op when merged).</summary>
    public void Merge()
    {
        if (Merged) return;
        using var delta = DeltaWeight();
        using (no_grad()) weight.add_(delta);
        Merged = true;
    }

    /// <summary>Subtracts the update from the base weight (no-op when not merged).</summary>
    public void Unmerge()
    {
        if (!Merged) return;
        using var delta = DeltaWeight();
        using (no_grad()) weight.sub_(delta);
        Merged = false;
    }
}
