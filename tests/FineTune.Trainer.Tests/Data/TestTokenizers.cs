using FineTune.Trainer.Tokenization;

namespace FineTune.Trainer.Tests.Data;

/// <summary>Tokenizers for data tests, written once with the real writer and loaded with the real loader.</summary>
public static class TestTokenizers
{
    private static readonly Lazy<ITextTokenizer> ByteLevelTokenizer = new(() =>
    {
        using var dir = new TempDirectory();
        return TokenizerWriter.Write(dir.Path, TokenizerPreset.ByteLevel, 512);
    });

    /// <summary>The byte-level preset: one id per UTF-8 byte, EOS 256, pad 257, chat markers as single ids.</summary>
    public static ITextTokenizer ByteLevel => ByteLevelTokenizer.Value;

    /// <summary>The text of the positions of <paramref name="sequence"/> that are targets.</summary>
    public static string Targets(FineTune.Trainer.Data.TokenSequence sequence) =>
        ByteLevel.Decode(sequence.Labels.Where(l => l != FineTune.Trainer.Data.TokenSequence.IgnoreIndex));

    /// <summary>The whole text of <paramref name="sequence"/>.</summary>
    public static string Text(FineTune.Trainer.Data.TokenSequence sequence) => ByteLevel.Decode(sequence.InputIds);
}
