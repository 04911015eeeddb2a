using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tokenization;

namespace FineTune.Trainer.Tests.Tokenization;

/// <summary>
/// Checks tokenizer.json files against Hugging Face's own tokenizers library (Rust, through Tokenizers.DotNet): the
/// files the trainer writes must load there, and both implementations must give the same ids.
/// </summary>
public sealed class ReferenceImplementationTests
{
    private static readonly string[] Corpus =
    [
        "hello world",
        "<|im_start|>user\nhi there<|im_end|>\n<|im_start|>assistant\n",
        "Unicode: café, 東京, emoji 🙂, tabs\tand\n\nnewlines  ",
        "It's 2026-11-28; don't panic!",
    ];

    [Fact]
    public void Byte_level_preset_encodes_like_hugging_face_tokenizers()
    {
        using var dir = new TempDirectory();
        var ours = TokenizerWriter.Write(dir.Path, TokenizerPreset.ByteLevel, 128);
        using var reference = new Tokenizers.DotNet.Tokenizer(Path.Combine(dir.Path, "tokenizer.json"));
        foreach (var text in Corpus)
            Assert.Equal(reference.Encode(text).Select(id => (int)id), ours.Encode(text, addSpecialTokens: true));
    }

    [Theory]
    [InlineData("abc ab c!")]
    [InlineData("abc</s>ab")]
    [InlineData("cab  ba!!")]
    public void Tokenizer_json_bpe_encodes_like_hugging_face_tokenizers(string text)
    {
        using var dir = new TempDirectory();
        var path = dir.File("tokenizer.json", TokenizerJsonLoadingTests.SmallBpe);
        var ours = TokenizerLoader.Load(dir.Path);
        using var reference = new Tokenizers.DotNet.Tokenizer(path);
        // The reference always applies the post-processor, so compare with the framed encoding.
        Assert.Equal(reference.Encode(text).Select(id => (int)id), ours.Encode(text, addSpecialTokens: true));
    }
}
