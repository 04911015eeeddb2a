using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tokenization;
using static FineTune.Trainer.Tests.Tokenization.SentencePieceModelFile;

namespace FineTune.Trainer.Tests.Tokenization;

public sealed class SentencePieceLoadingTests
{
    // Higher scores merge first, as in SentencePiece BPE.
    private static readonly (string, float, PieceType)[] Pieces =
    [
        ("<unk>", 0, PieceType.Unknown), ("<s>", 0, PieceType.Control), ("</s>", 0, PieceType.Control),
        ("▁", -1, PieceType.Normal), ("h", -2, PieceType.Normal), ("i", -3, PieceType.Normal), ("y", -4, PieceType.Normal),
        ("o", -5, PieceType.Normal), ("▁h", -6, PieceType.Normal), ("▁hi", -7, PieceType.Normal), ("yo", -8, PieceType.Normal),
    ];

    [Fact]
    public void Tokenizer_model_loads_as_sentencepiece_with_bos_framing()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(Path.Combine(dir.Path, "tokenizer.model"), Build(Pieces));
        var tokenizer = TokenizerLoader.Load(dir.Path);

        Assert.Contains("SentencePiece", tokenizer.Description);
        Assert.Equal(1, tokenizer.BosId);
        Assert.Equal(2, tokenizer.EosId);
        Assert.Equal(Pieces.Length, tokenizer.VocabularySize);
        Assert.Equal([9, 9], tokenizer.Encode("hi hi"));
        Assert.Equal([1, 9, 3, 10], tokenizer.Encode("hi yo", addSpecialTokens: true));
        Assert.Equal("hi yo", tokenizer.Decode([1, 9, 3, 10], skipSpecialTokens: true));
    }

    [Fact]
    public void Add_bos_token_false_in_tokenizer_config_leaves_bos_out()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(Path.Combine(dir.Path, "tokenizer.model"), Build(Pieces));
        dir.File("tokenizer_config.json", """{"add_bos_token": false}""");
        Assert.Equal([9], TokenizerLoader.Load(dir.Path).Encode("hi", addSpecialTokens: true));
    }

    [Fact]
    public void Corrupt_tokenizer_model_names_the_file()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(Path.Combine(dir.Path, "tokenizer.model"), [0xFF, 0xFF, 0xFF, 0x01]);
        var error = Assert.Throws<TokenizerLoadException>(() => TokenizerLoader.Load(dir.Path));
        Assert.Contains("tokenizer.model could not be loaded as a tokenizer", error.Message);
    }
}
