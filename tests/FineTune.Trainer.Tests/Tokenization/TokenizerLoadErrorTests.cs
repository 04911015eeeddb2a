using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tokenization;

namespace FineTune.Trainer.Tests.Tokenization;

public sealed class TokenizerLoadErrorTests
{
    // Each row: files in the model directory, then fragments the error message must contain.
    public static TheoryData<Dictionary<string, string>, string[]> BadDirectories => new()
    {
        {
            new() { ["config.json"] = """{"model_type": "llama"}""" },
            ["no tokenizer found", "tokenizer.json", "vocab.json + merges.txt", "tokenizer.model", "vocab.txt", "model_type is llama"]
        },
        {
            new(),
            ["no tokenizer found", "model_type is absent"]
        },
        {
            new() { ["vocab.json"] = """{"a": 0}""" },
            ["vocab.json is present", "merges.txt is missing"]
        },
        {
            new() { ["tokenizer.json"] = "{ not json" },
            ["tokenizer.json is not valid JSON"]
        },
        {
            new() { ["tokenizer.json"] = """{"version": "1.0"}""" },
            ["tokenizer.json: no \"model\" object"]
        },
        {
            new() { ["tokenizer.json"] = """{"model": {"type": "Unigram", "vocab": [["a", 0.0]]}}""" },
            ["model type \"Unigram\" is not supported", "BPE, WordPiece", "tokenizer.model"]
        },
        {
            new() { ["tokenizer.json"] = """{"pre_tokenizer": {"type": "Metaspace"}, "model": {"type": "BPE", "vocab": {}, "merges": []}}""" },
            ["pre_tokenizer type \"Metaspace\" is not supported"]
        },
        {
            new() { ["tokenizer.json"] = """{"model": {"type": "BPE", "vocab": {"a": "zero"}, "merges": []}}""" },
            ["model.vocab[\"a\"] is String", "expected an integer id"]
        },
        {
            new() { ["tokenizer.json"] = """{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": [1]}}""" },
            ["model.merges[0] is 1"]
        },
        {
            new() { ["vocab.json"] = """["a"]""", ["merges.txt"] = "#version: 0.2\n" },
            ["vocab.json is not a JSON object of token to integer id"]
        },
        {
            new() { ["vocab.json"] = """{"a": 0, "b": 1}""", ["merges.txt"] = "#version: 0.2\na b c\n" },
            ["merges.txt:2", "\"a b c\" is not a merge"]
        },
        {
            new() { ["tokenizer.json"] = """{"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "(?<"}, "behavior": "Isolated"}, "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}""" },
            ["tokenizer.json could not be loaded as a tokenizer"]
        },
        {
            new() { ["vocab.txt"] = "[PAD]\n", ["tokenizer_config.json"] = "[1," },
            ["tokenizer_config.json is not valid JSON"]
        },
    };

    [Theory]
    [MemberData(nameof(BadDirectories))]
    public void Unusable_tokenizer_files_give_a_clear_error(Dictionary<string, string> files, string[] expectedFragments)
    {
        using var dir = new TempDirectory();
        foreach (var (name, content) in files) dir.File(name, content);
        var error = Assert.Throws<TokenizerLoadException>(() => TokenizerLoader.Load(dir.Path));
        foreach (var fragment in expectedFragments) Assert.Contains(fragment, error.Message);
    }

    [Fact]
    public void Missing_directory_is_named()
    {
        var error = Assert.Throws<TokenizerLoadException>(() => TokenizerLoader.Load("/nonexistent/model-dir"));
        Assert.Contains("/nonexistent/model-dir does not exist", error.Message);
    }
}
