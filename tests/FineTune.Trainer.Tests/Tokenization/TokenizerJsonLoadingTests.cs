using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tokenization;

namespace FineTune.Trainer.Tests.Tokenization;

public sealed class TokenizerJsonLoadingTests
{
    // A small byte-level BPE in the tokenizers 0.20 layout: merges as pairs, a Split + ByteLevel pre-tokenizer
    // sequence, NFC normalizer, and a template post-processor that puts <s> first. Complete enough for Hugging Face's
    // own tokenizers library to load (see ReferenceImplementationTests).
    internal const string SmallBpe = """
    {
      "version": "1.0",
      "truncation": null,
      "padding": null,
      "added_tokens": [
        {"id": 9, "content": "<s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
        {"id": 10, "content": "</s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}
      ],
      "normalizer": {"type": "NFC"},
      "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": " ?[a-z]+| ?[^a-z ]+|\\s+"}, "behavior": "Isolated", "invert": false},
        {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}
      ]},
      "post_processor": {"type": "TemplateProcessing",
        "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
        "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
        "special_tokens": {"<s>": {"id": "<s>", "ids": [9], "tokens": ["<s>"]}}},
      "decoder": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false},
      "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null, "end_of_word_suffix": null,
                "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
                "vocab": {"a": 0, "b": 1, "c": 2, "Ġ": 3, "ab": 4, "Ġab": 5, "abc": 6, "Ġc": 7, "!": 8},
                "merges": [["a", "b"], ["Ġ", "ab"], ["ab", "c"], ["Ġ", "c"]]}
    }
    """;

    [Fact]
    public void Bpe_tokenizer_json_applies_merges_added_tokens_and_template()
    {
        using var dir = new TempDirectory();
        dir.File("tokenizer.json", SmallBpe);
        dir.File("tokenizer_config.json", """{"bos_token": "<s>", "eos_token": {"content": "</s>"}}""");
        var tokenizer = TokenizerLoader.Load(dir.Path);

        Assert.Equal([6, 5, 7, 8], tokenizer.Encode("abc ab c!"));
        Assert.Equal([9, 6, 10], tokenizer.Encode("abc</s>", addSpecialTokens: true));
        Assert.Equal(9, tokenizer.BosId);
        Assert.Equal(10, tokenizer.EosId);
        Assert.Equal(10, tokenizer.PadId);
        Assert.Equal(11, tokenizer.VocabularySize);
        Assert.Equal("abc ab c!", tokenizer.Decode([6, 5, 7, 8]));
    }

    [Fact]
    public void Bert_vocab_txt_lower_cases_and_frames_with_cls_and_sep()
    {
        using var dir = new TempDirectory();
        dir.File("vocab.txt", string.Join("\n", "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "##s", "!") + "\n");
        var tokenizer = TokenizerLoader.Load(dir.Path);

        Assert.Equal([5, 6, 7, 8], tokenizer.Encode("Hello Worlds!"));
        Assert.Equal([2, 5, 3], tokenizer.Encode("hello", addSpecialTokens: true));
        Assert.Equal(0, tokenizer.PadId);
        Assert.Equal(9, tokenizer.VocabularySize);
        Assert.Equal("hello worlds!", tokenizer.Decode([5, 6, 7, 8]));
    }

    [Fact]
    public void Bert_tokenizer_json_reads_the_wordpiece_vocabulary_and_lowercase_flag()
    {
        using var dir = new TempDirectory();
        dir.File("tokenizer.json", """
        {
          "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true},
          "pre_tokenizer": {"type": "BertPreTokenizer"},
          "post_processor": {"type": "TemplateProcessing"},
          "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100,
                    "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "[MASK]": 4, "hello": 5, "world": 6, "##s": 7}}
        }
        """);
        var tokenizer = TokenizerLoader.Load(dir.Path);
        Assert.Contains("WordPiece", tokenizer.Description);
        Assert.Equal([2, 5, 6, 7, 3], tokenizer.Encode("HELLO worlds", addSpecialTokens: true));
    }

    [Fact]
    public void Tokenizer_json_takes_precedence_over_vocab_and_merges()
    {
        using var dir = new TempDirectory();
        dir.File("tokenizer.json", SmallBpe);
        dir.File("vocab.json", """{"a": 0}""");
        dir.File("merges.txt", "#version: 0.2\n");
        Assert.Contains("tokenizer.json", TokenizerLoader.Load(dir.Path).Description);
    }
}
