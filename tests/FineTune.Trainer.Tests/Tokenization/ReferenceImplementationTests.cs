using System.Text.Json.Nodes;
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

    // The Llama 3 split pattern (Qwen2 differs only in splitting digits one by one).
    private const string Llama3Split =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    [Fact]
    public void Llama3_style_split_with_merges_encodes_like_hugging_face_tokenizers()
    {
        // The byte-level preset, re-split with Llama 3's pattern, with a few merges so that split boundaries matter.
        using var dir = new TempDirectory();
        TokenizerWriter.Write(dir.Path, TokenizerPreset.ByteLevel, 128);
        var path = Path.Combine(dir.Path, "tokenizer.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["pre_tokenizer"] = JsonNode.Parse($$"""
            {"type": "Sequence", "pretokenizers": [
              {"type": "Split", "pattern": {"Regex": {{System.Text.Json.JsonSerializer.Serialize(Llama3Split)}}}, "behavior": "Isolated", "invert": false},
              {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}]}
            """);
        var vocab = json["model"]!["vocab"]!.AsObject();
        var merges = json["model"]!["merges"]!.AsArray();
        var next = vocab.Count;
        foreach (var (left, right) in new[] { ("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("1", "2"), ("12", "3"), ("Ċ", "Ċ"), ("Ġ", "Ġ") })
        {
            merges.Add(new JsonArray(left, right));
            vocab[left + right] = next++;
        }
        File.WriteAllText(path, json.ToJsonString());

        var ours = TokenizerLoader.Load(dir.Path);
        using var reference = new Tokenizers.DotNet.Tokenizer(path);
        foreach (var text in Corpus.Concat(["the theme 123456 12 1234\n\n\nthe end", "  the\r\n\tthe   THE'S They'll", "x\n\n  y"]))
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
