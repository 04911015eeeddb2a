using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tokenization;

namespace FineTune.Trainer.Tests.Tokenization;

/// <summary>GPT-2 tokenizer files written once for the class (writing and loading 50k tokens takes seconds).</summary>
public sealed class WrittenGpt2Files : IDisposable
{
    private readonly TempDirectory _dir = new();

    public WrittenGpt2Files() => Tokenizer = TokenizerWriter.Write(_dir.Path, TokenizerPreset.Gpt2, 1024);

    public ITextTokenizer Tokenizer { get; }

    public void Dispose() => _dir.Dispose();
}

public sealed class Gpt2TokenizerTests(WrittenGpt2Files written) : IClassFixture<WrittenGpt2Files>
{
    // Ids published with GPT-2 (openai/gpt-2 encoder.json), independent of any code in this project.
    public static TheoryData<string, int[]> ReferenceIds => new()
    {
        { "Hello world", [15496, 995] },
        { "hello", [31373] },
        { "The", [464] },
        { " the", [262] },
        { "<|endoftext|>", [50256] },
    };

    private static readonly string[] Corpus =
    [
        "Hello, world! It's a test: don't we'll they've I'm you'd.",
        "  leading spaces and\ttabs\nnew lines\n\n  and trailing   ",
        "Numbers 12345 and 3.14159, dates 2026-11-28.",
        "Unicode: café, naïve, Straße, 東京, Ελληνικά, emoji 🙂🚀.",
        "code: for (int i = 0; i < n; i++) { sum += a[i]; }",
        "two documents<|endoftext|>joined by the end-of-text token",
    ];

    [Theory]
    [MemberData(nameof(ReferenceIds))]
    public void Packaged_gpt2_gives_reference_ids(string text, int[] expected)
    {
        Assert.Equal(expected, PackagedGpt2.Create().Encode(text));
    }

    [Theory]
    [MemberData(nameof(ReferenceIds))]
    public void Written_gpt2_files_load_back_with_reference_ids(string text, int[] expected)
    {
        Assert.Equal(expected, written.Tokenizer.Encode(text));
    }

    [Fact]
    public void Written_gpt2_files_encode_like_the_packaged_tokenizer_and_round_trip()
    {
        var tokenizer = written.Tokenizer;
        var packaged = PackagedGpt2.Create();
        Assert.Contains("vocab.json", tokenizer.Description);
        Assert.Equal(50257, tokenizer.VocabularySize);
        Assert.Equal(PackagedGpt2.EndOfTextId, tokenizer.EosId);
        Assert.Equal(PackagedGpt2.EndOfTextId, tokenizer.BosId);
        foreach (var text in Corpus)
        {
            var ids = tokenizer.Encode(text);
            Assert.Equal(packaged.Encode(text), ids);
            Assert.Equal(text, tokenizer.Decode(ids));
        }
    }

    [Fact]
    public void Recovered_merges_start_like_gpt2_merges_txt()
    {
        // The first lines of GPT-2's published merges.txt.
        Assert.Equal(["Ġ t", "Ġ a", "h e", "i n", "r e", "o n", "Ġt he", "e r", "Ġ s", "a t"], PackagedGpt2.Merges.Take(10));
        Assert.Equal(50000, PackagedGpt2.Merges.Count);
    }

    [Fact]
    public void Decoding_can_leave_out_special_tokens()
    {
        var tokenizer = PackagedGpt2.Create();
        var ids = tokenizer.Encode("first<|endoftext|>second");
        Assert.Equal("first<|endoftext|>second", tokenizer.Decode(ids));
        Assert.Equal("firstsecond", tokenizer.Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void Directory_without_tokenizer_files_uses_packaged_gpt2_when_config_says_gpt2()
    {
        using var dir = new TempDirectory();
        dir.File("config.json", """{"model_type": "gpt2", "vocab_size": 50257}""");
        var tokenizer = TokenizerLoader.Load(dir.Path);
        Assert.Contains("packaged", tokenizer.Description);
        Assert.Equal([15496, 995], tokenizer.Encode("Hello world"));
        Assert.Equal(PackagedGpt2.EndOfTextId, tokenizer.PadId);
    }
}
