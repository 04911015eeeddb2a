using System.Text.RegularExpressions;

namespace FineTune.Trainer.Checkpoints;

/// <summary>
/// Where real Hugging Face checkpoints legitimately differ from the module's parameter names: a missing base-model
/// prefix (GPT-2's original files say "h.0..." not "transformer.h.0..."), old LayerNorm gamma/beta names, saved
/// buffers the model recomputes, pre-training heads, and heads a task model adds.
/// </summary>
internal static partial class CheckpointNameRules
{
    /// <summary>File tensors that are never an error to skip.</summary>
    public static bool IsIgnorable(string name) => IgnorablePattern().IsMatch(name);

    /// <summary>Model tensors that may be missing from the file and keep their fresh initialisation.</summary>
    public static bool MayStartFresh(string modelType, string name) =>
        modelType == "bert" && (name.StartsWith("classifier.", StringComparison.Ordinal) ||
                                name.StartsWith("bert.pooler.", StringComparison.Ordinal));

    /// <summary>The name a file tensor has in the model, if the old spelling differs.</summary>
    public static string Normalize(string name)
    {
        if (!name.Contains("LayerNorm", StringComparison.Ordinal)) return name;
        if (name.EndsWith(".gamma", StringComparison.Ordinal)) return name[..^".gamma".Length] + ".weight";
        if (name.EndsWith(".beta", StringComparison.Ordinal)) return name[..^".beta".Length] + ".bias";
        return name;
    }

    [GeneratedRegex(@"(\.attn\.bias|\.attn\.masked_bias|rotary_emb\.inv_freq|position_ids)$|^cls\.|^lm_head\.weight$")]
    private static partial Regex IgnorablePattern();
}
