using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Lora;
using FineTune.Trainer.Methods.Peft;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Qlora;

/// <summary>
/// A linear layer whose frozen weight is stored in 4 bits, with a LoRA update on top (Dettmers et al., 2023, eq. 5):
/// y = x·dequant(W₄)ᵀ + b + scaling · B(A(dropout(x))). The base weight W [out, in] (GPT-2's Conv1D: [in, out]) becomes
/// a <see cref="QuantizedWeight"/> (child "weight"; the fp32 tensor is no longer held), dequantized in every forward to
/// the compute dtype (and again in backward, <see cref="FourBitProjection"/>, rather than kept); x is cast to it, the product cast back to x's dtype (bitsandbytes' Linear4bit), then the
/// low-rank branch (<see cref="LowRankUpdate"/>, the same as <see cref="LoraLayer"/>'s) is added in the adapter's dtype.
/// The bias stays a frozen Parameter under its own name. Merging keeps the 4-bit weight and holds
/// dequant(W₄) + scaling·B·A in fp32 beside it until unmerged (exact both ways; re-quantizing would round the update away).
/// </summary>
public sealed class QloraLayer : nn.Module<Tensor, Tensor>, IWrappedLinear, IMergeableLayer
{
    /// <summary>The 4-bit base weight.</summary>
    public QuantizedWeight weight;

    /// <summary>The base bias (null when the base has none).</summary>
    public Parameter? bias;

    /// <summary>Down-projection A: in → r.</summary>
    public Linear lora_A;

    /// <summary>Up-projection B: r → out, zero at start.</summary>
    public Linear lora_B;

    private readonly Dropout lora_dropout;
    private readonly double _dropout;
    private Tensor? _merged;

    /// <summary>
    /// Quantizes <paramref name="baseWeights"/> (the layer at <paramref name="path"/>) and adds a rank-<paramref name="rank"/>
    /// update. Measures the quantization error before the caller lets the dense weight go.
    /// </summary>
    public QloraLayer(string path, LinearWeights baseWeights, QuantType quantType, int blockSize, bool doubleQuant,
        ScalarType computeDtype, int rank, double scaling, double dropout) : base(nameof(QloraLayer))
    {
        var count = baseWeights.Weight.numel();
        if (count % blockSize != 0)
            throw new PeftException(
                $"qlora.blockSize: {blockSize} does not divide the {count} weights of target '{path}' (shape " +
                $"{AdapterWeights.Shape(baseWeights.Weight.shape)}); expected a block size of 32, 64, 128 or 256 that divides " +
                "every target's weight count, or targetModules without this layer.");
        weight = QuantizedWeight.Quantize(baseWeights.Weight, quantType, blockSize, doubleQuant);
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var restored = weight.Dequantize(ScalarType.Float32);
            QuantizationError = restored.sub(baseWeights.Weight.detach().to(ScalarType.Float32)).abs().mean().item<float>();
        }
        bias = baseWeights.Bias;
        FanInFanOut = baseWeights.FanInFanOut;
        InFeatures = baseWeights.InFeatures;
        OutFeatures = baseWeights.OutFeatures;
        ComputeDtype = computeDtype;
        Rank = rank;
        Scaling = scaling;
        (lora_A, lora_B) = LowRankUpdate.Create(InFeatures, OutFeatures, rank, baseWeights.Weight.device, baseWeights.Weight.dtype);
        lora_dropout = nn.Dropout(dropout);
        _dropout = dropout;
        RegisterComponents();
    }

    /// <inheritdoc />
    public long InFeatures { get; }

    /// <inheritdoc />
    public long OutFeatures { get; }

    /// <summary>True when the base weight is in Conv1D layout [in, out].</summary>
    public bool FanInFanOut { get; }

    /// <summary>The dtype the base product is computed in.</summary>
    public ScalarType ComputeDtype { get; }

    /// <summary>Rank r.</summary>
    public int Rank { get; }

    /// <summary>The factor on B·A.</summary>
    public double Scaling { get; }

    /// <summary>Mean |W − dequant(quant(W))| of this layer's weight, measured once when it was quantized.</summary>
    public double QuantizationError { get; }

    /// <summary>True while dequant(W₄) + scaling·B·A is held and used instead of the two branches.</summary>
    public bool Merged => _merged is not null;

    /// <summary>False while the adapter is switched off: the layer computes its 4-bit base.</summary>
    public bool Enabled { get; set; } = true;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (!Enabled && Merged)
            throw new InvalidOperationException("a merged QLoRA layer cannot be switched off; unmerge it first.");
        using var scope = NewDisposeScope();
        var rows = input.reshape(-1, input.shape[^1]);
        var output = _merged is { } dense
            ? LinearWeights.Project(rows.to(dense.dtype), dense, bias?.to(dense.dtype), FanInFanOut)
            : BaseProjection(rows.to(ComputeDtype));
        output = output.to(input.dtype);
        if (Enabled && !Merged)
        {
            // Dropout with p = 0 would still copy the input in training mode: skip it.
            var dropped = _dropout > 0 ? lora_dropout.forward(rows) : rows;
            LowRankUpdate.AddInto(output, dropped, lora_A, lora_B, Scaling);
        }
        return output.view([.. input.shape[..^1], OutFeatures]).MoveToOuterDisposeScope();
    }

    // x·dequant(W₄)ᵀ + b in the compute dtype. With gradients on, FourBitProjection re-dequantizes in backward instead
    // of autograd keeping the dense weight; without them (evaluation, generation) the plain product does the same work.
    private Tensor BaseProjection(Tensor rows)
    {
        if (is_grad_enabled() && rows.requires_grad)
        {
            var output = FourBitProjection.Project(rows, weight, ComputeDtype, FanInFanOut);
            return bias is null ? output : output.add(bias.to(ComputeDtype));
        }
        using var dense = weight.Dequantize(ComputeDtype);
        return LinearWeights.Project(rows, dense, bias?.to(ComputeDtype), FanInFanOut);
    }

    /// <summary>scaling · B·A in the base weight's layout, fp32, no gradient.</summary>
    public Tensor DeltaWeight() => LowRankUpdate.Delta(lora_A, lora_B, Scaling, FanInFanOut, ScalarType.Float32);

    /// <summary>dequant(W₄) + scaling · B·A in fp32: the weight a merged export writes (a new tensor).</summary>
    public Tensor MergedWeight()
    {
        using var scope = NewDisposeScope();
        var dense = weight.Dequantize(ScalarType.Float32);
        return dense.add_(DeltaWeight()).MoveToOuterDisposeScope();
    }

    /// <summary>Holds the merged weight and uses it (no-op when merged).</summary>
    public void Merge()
    {
        if (Merged) return;
        _merged = MergedWeight().DetachFromDisposeScope();
    }

    /// <summary>Drops the merged weight: the layer computes base + update again (no-op when not merged).</summary>
    public void Unmerge()
    {
        _merged?.Dispose();
        _merged = null;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) Unmerge();
        base.Dispose(disposing);
    }
}
