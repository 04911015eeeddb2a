using static TorchSharp.torch;

namespace FineTune.Trainer.Checkpoints;

/// <summary>The tensor types a checkpoint may be stored in on disk, with their config.json "torch_dtype" names.</summary>
public enum WeightDType
{
    /// <summary>32-bit float ("float32").</summary>
    Float32,

    /// <summary>bfloat16 ("bfloat16").</summary>
    BFloat16,

    /// <summary>IEEE half ("float16").</summary>
    Float16,
}

/// <summary>Conversions between <see cref="WeightDType"/>, TorchSharp scalar types and HF names.</summary>
public static class WeightDTypes
{
    /// <summary>The TorchSharp scalar type.</summary>
    public static ScalarType ToScalarType(this WeightDType dtype) => dtype switch
    {
        WeightDType.BFloat16 => ScalarType.BFloat16,
        WeightDType.Float16 => ScalarType.Float16,
        _ => ScalarType.Float32,
    };

    /// <summary>The config.json torch_dtype string.</summary>
    public static string HuggingFaceName(this WeightDType dtype) => dtype switch
    {
        WeightDType.BFloat16 => "bfloat16",
        WeightDType.Float16 => "float16",
        _ => "float32",
    };

    /// <summary>Parses "float32"/"fp32", "bfloat16"/"bf16", "float16"/"fp16" (case-insensitive).</summary>
    public static WeightDType Parse(string text, string field) => text.ToLowerInvariant() switch
    {
        "float32" or "fp32" => WeightDType.Float32,
        "bfloat16" or "bf16" => WeightDType.BFloat16,
        "float16" or "fp16" => WeightDType.Float16,
        _ => throw new ArgumentException($"{field}: '{text}' is not a weight type; expected float32, bfloat16 or float16."),
    };
}
