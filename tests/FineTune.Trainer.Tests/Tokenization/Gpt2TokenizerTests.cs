using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tokenization;

namespace FineTune.Trainer.Tests.Tokenization;

public sealed class Gpt2TokenizerTests
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
        using var dir = new TempDirectory();
        var tokenizer = TokenizerWriter.Write(dir.Path, TokenizerPreset.Gpt2, 1024);
        Assert.Equal(expected, tokenizer.Encode(text));
    }

    [Fact]
    public void Written_gpt2_files_encode_like_the_packaged_tokenizer_and_round_trip()
    {
        using var dir = new TempDirectory();
        var written = TokenizerWriter.Write(dir.Path, TokenizerPreset.Gpt2, 1024);
        var packaged = PackagedGpt2.Create();
        Assert.Contains("vocab.json", written.Description);
        Assert.Equal(50257, written.VocabularySize);
        Assert.Equal(PackagedGpt2.EndOfTextId, written.EosId);
        Assert.Equal(PackagedGpt2.EndOfTextId, written.BosId);
        foreach (var text in Corpus)
        {
            var ids = written.Encode(text);
            Assert.Equal(packaged.Encode(text), ids);
            Assert.Equal(text, written.Decode(ids));
        }
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
