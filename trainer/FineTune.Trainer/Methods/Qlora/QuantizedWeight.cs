using FineTune.Api.V1Alpha1;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Qlora;

/// <summary>
/// A frozen weight held in 4 bits: buffers packed (uint8, two codes per byte), absmax (fp32 per block, or uint8 codes
/// with nested_absmax and nested_offset when double-quantized: bitsandbytes' names). Casting the model to another
/// dtype leaves these buffers as they are (they are storage, not compute; a bf16 scale would change the weights);
/// moving it to another device moves them. <see cref="Dequantize"/> gives the weight in the original shape and layout.
/// </summary>
public sealed class QuantizedWeight : nn.Module
{
    /// <summary>Codes, two per byte (uint8, numel / 2).</summary>
    public Tensor packed;

    /// <summary>Per-block absmax: fp32, or uint8 codes when double-quantized.</summary>
    public Tensor absmax;

    /// <summary>fp32 maximum of each block of 256 centred scales (double quantization only).</summary>
    public Tensor? nested_absmax;

    /// <summary>fp32 mean subtracted from the scales before their quantization, shape [1] (double quantization only).</summary>
    public Tensor? nested_offset;

    private QuantizedWeight(Tensor packed, Tensor absmax, Tensor? nestedAbsmax, Tensor? nestedOffset, long[] shape, int blockSize,
        FourBitCodeBook codeBook) : base(nameof(QuantizedWeight))
    {
        this.packed = packed;
        this.absmax = absmax;
        nested_absmax = nestedAbsmax;
        nested_offset = nestedOffset;
        Shape = shape;
        BlockSize = blockSize;
        CodeBook = codeBook;
        RegisterComponents();
    }

    /// <summary>Shape of the weight this stands for.</summary>
    public long[] Shape { get; }

    /// <summary>Weights per absmax block.</summary>
    public int BlockSize { get; }

    /// <summary>NF4 or FP4.</summary>
    public FourBitCodeBook CodeBook { get; }

    /// <summary>True when the absmax scales are stored in 8 bits.</summary>
    public bool DoubleQuantized => nested_absmax is not null;

    /// <summary>Number of weights.</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Bytes of every buffer this holds.</summary>
    public long StorageBytes => named_buffers().Sum(b => b.buffer.numel() * b.buffer.ElementSize);

    /// <summary>Storage bits per weight: 4 plus the scales' share (4.5 at blockSize 64, about 4.127 double-quantized).</summary>
    public double BitsPerWeight => StorageBytes * 8.0 / Count;

    /// <summary>Quantizes <paramref name="weight"/> (any float dtype; not changed).</summary>
    public static QuantizedWeight Quantize(Tensor weight, QuantType type, int blockSize, bool doubleQuant)
    {
        var codeBook = FourBitCodeBook.For(type);
        var (packed, absmax) = BlockwiseQuantization.Quantize(weight, codeBook, blockSize);
        if (!doubleQuant) return new QuantizedWeight(packed, absmax, null, null, weight.shape, blockSize, codeBook);
        var (codes, blockMax, offset) = DoubleQuantization.Quantize(absmax);
        absmax.Dispose();
        return new QuantizedWeight(packed, codes, blockMax, offset, weight.shape, blockSize, codeBook);
    }

    /// <summary>The weight in its original shape as <paramref name="dtype"/> (computed in fp32, then cast).</summary>
    public Tensor Dequantize(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var scales = DoubleQuantized ? DoubleQuantization.Dequantize(absmax, nested_absmax!, nested_offset!) : absmax;
        var weight = BlockwiseQuantization.Dequantize(packed, scales, CodeBook, BlockSize, Shape);
        return (dtype == ScalarType.Float32 ? weight : weight.to(dtype)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override nn.Module _to(ScalarType dtype, bool non_blocking) => this;

    /// <inheritdoc />
    protected override nn.Module _to(Device device, ScalarType dtype, bool non_blocking) => _to(device.type, device.index, non_blocking);
}
