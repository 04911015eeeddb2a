using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace FineTune.Trainer.Tokenization;

/// <summary>
/// The byte-to-character table of GPT-2's byte-level BPE: every byte maps to one printable character, so vocabulary
/// files can be JSON text. Printable Latin-1 bytes map to themselves, the rest to U+0100 upwards, in the order GPT-2's
/// <c>bytes_to_unicode</c> defines; that order is also the id order of the 256 base tokens.
/// </summary>
public static class ByteLevelAlphabet
{
    /// <summary>GPT-2's pre-tokenization split (contractions, letters, digits, other symbols, whitespace runs).</summary>
    public const string Gpt2SplitPattern =
        @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private static readonly char[] ByteToChar = BuildTable();

    /// <summary>The 256 byte characters in GPT-2 base-token order (index = base token id in GPT-2).</summary>
    public static IReadOnlyList<char> BaseTokenOrder { get; } = BuildBaseOrder();

    /// <summary>The character that stands for <paramref name="b"/>.</summary>
    public static char CharFor(byte b) => ByteToChar[b];

    /// <summary>The byte-level spelling of raw bytes (as stored in vocab.json and merges.txt).</summary>
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var builder = new StringBuilder(bytes.Length);
        foreach (var b in bytes) builder.Append(ByteToChar[b]);
        return builder.ToString();
    }

    /// <summary>The byte-level spelling of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string EncodeText(string text) => Encode(Encoding.UTF8.GetBytes(text));

    /// <summary>A pre-tokenizer splitting like GPT-2 with <paramref name="pattern"/>, keeping special tokens whole.</summary>
    public static PreTokenizer CreatePreTokenizer(IReadOnlyDictionary<string, int> specialTokens, string pattern = Gpt2SplitPattern) =>
        new RegexPreTokenizer(new Regex(pattern, RegexOptions.Compiled), specialTokens.Count == 0 ? null : specialTokens);

    private static IEnumerable<int> PrintableBytes() =>
        Enumerable.Range('!', '~' - '!' + 1)
            .Concat(Enumerable.Range('¡', '¬' - '¡' + 1))
            .Concat(Enumerable.Range('®', 'ÿ' - '®' + 1));

    private static char[] BuildTable()
    {
        var table = new char[256];
        var printable = PrintableBytes().ToHashSet();
        var next = 0;
        for (var b = 0; b < 256; b++)
            table[b] = printable.Contains(b) ? (char)b : (char)(256 + next++);
        return table;
    }

    private static char[] BuildBaseOrder()
    {
        var printable = PrintableBytes().ToList();
        var rest = Enumerable.Range(0, 256).Where(b => !printable.Contains(b));
        return [.. printable.Concat(rest).Select(b => ByteToChar[b])];
    }
}
