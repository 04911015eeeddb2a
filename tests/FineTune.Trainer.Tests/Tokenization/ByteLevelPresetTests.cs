using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tokenization;

namespace FineTune.Trainer.Tests.Tokenization;

public sealed class ByteLevelPresetTests
{
    [Fact]
    public void Byte_level_preset_is_small_and_reloads_from_tokenizer_json()
    {
        using var dir = new TempDirectory();
        var tokenizer = TokenizerWriter.Write(dir.Path, TokenizerPreset.ByteLevel, 256);
        Assert.True(File.Exists(Path.Combine(dir.Path, "tokenizer.json")));
        Assert.Equal(256 + TokenizerWriter.ByteLevelSpecialTokens.Count, tokenizer.VocabularySize);
        Assert.Equal(256, tokenizer.EosId);
        Assert.Equal(256, tokenizer.BosId);
        Assert.Equal(257, tokenizer.PadId);
        Assert.Contains("tokenizer.json", tokenizer.Description);
    }

    [Theory]
    [InlineData("plain ascii words")]
    [InlineData("Unicode: café, 東京, emoji 🙂, tabs\tand\nnewlines")]
    [InlineData("  leading and trailing spaces  ")]
    public void Byte_level_preset_round_trips_any_text_one_id_per_byte(string text)
    {
        using var dir = new TempDirectory();
        var tokenizer = TokenizerWriter.Write(dir.Path, TokenizerPreset.ByteLevel, 256);
        var ids = tokenizer.Encode(text);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(text), ids.Count);
        Assert.All(ids, id => Assert.InRange(id, 0, 255));
        Assert.Equal(text, tokenizer.Decode(ids));
    }

    [Fact]
    public void Byte_level_preset_gives_chat_markers_one_id_each()
    {
        using var dir = new TempDirectory();
        var tokenizer = TokenizerWriter.Write(dir.Path, TokenizerPreset.ByteLevel, 256);
        var ids = tokenizer.Encode("<|im_start|>user\nhi<|im_end|>");
        Assert.Equal(tokenizer.SpecialTokens["<|im_start|>"], ids[0]);
        Assert.Equal(tokenizer.SpecialTokens["<|im_end|>"], ids[^1]);
        Assert.Equal("user\nhi".Length + 2, ids.Count);
        Assert.Equal("<|im_start|>user\nhi<|im_end|>", tokenizer.Decode(ids));
        Assert.Equal("user\nhi", tokenizer.Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void Byte_level_preset_bytes_match_gpt2_base_ids()
    {
        // The preset shares GPT-2's 256 base token ids, so single bytes encode the same way in both.
        using var dir = new TempDirectory();
        var tokenizer = TokenizerWriter.Write(dir.Path, TokenizerPreset.ByteLevel, 256);
        var gpt2 = PackagedGpt2.Create();
        foreach (var text in new[] { "a", "!", "~", "\n", " ", "Z" })
            Assert.Equal(gpt2.Encode(text), tokenizer.Encode(text));
    }
}
