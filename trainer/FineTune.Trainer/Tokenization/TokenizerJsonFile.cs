using System.Text.Json;

namespace FineTune.Trainer.Tokenization;

/// <summary>
/// The parts of a Hugging Face tokenizer.json that the supported tokenizers need: the model (BPE or WordPiece vocabulary,
/// merges), added tokens, the pre-tokenizer's split pattern and byte-level flag, the normalizer, and the post-processor's
/// framing tokens. Anything the trainer cannot reproduce exactly is rejected with the path of the offending setting.
/// </summary>
public sealed class TokenizerJsonFile
{
    /// <summary>model.type: BPE, WordPiece, Unigram or WordLevel.</summary>
    public required string ModelType { get; init; }

    /// <summary>model.vocab (token text to id).</summary>
    public required Dictionary<string, int> Vocabulary { get; init; }

    /// <summary>model.merges as "left right" lines, in priority order.</summary>
    public required List<string> Merges { get; init; }

    /// <summary>added_tokens: text to id, and whether it is special.</summary>
    public required List<(string Content, int Id, bool Special)> AddedTokens { get; init; }

    /// <summary>model.unk_token.</summary>
    public string? UnknownToken { get; init; }

    /// <summary>model.continuing_subword_prefix (BPE, WordPiece).</summary>
    public string? ContinuingSubwordPrefix { get; init; }

    /// <summary>model.end_of_word_suffix (BPE).</summary>
    public string? EndOfWordSuffix { get; init; }

    /// <summary>model.fuse_unk (BPE).</summary>
    public bool FuseUnknown { get; init; }

    /// <summary>Whether the pre-tokenizer or decoder is byte-level.</summary>
    public bool ByteLevel { get; init; }

    /// <summary>ByteLevel's add_prefix_space: a space is put before text that does not start with one.</summary>
    public bool AddPrefixSpace { get; init; }

    /// <summary>The regex the pre-tokenizer splits with; null when it does not split (or only on whitespace rules).</summary>
    public string? SplitPattern { get; init; }

    /// <summary>Unicode normalization to apply before encoding, if any.</summary>
    public System.Text.NormalizationForm? UnicodeNormalization { get; init; }

    /// <summary>Whether the normalizer lower-cases.</summary>
    public bool Lowercase { get; init; }

    /// <summary>Token texts the post-processor puts before a single sequence.</summary>
    public List<string> SequencePrefix { get; init; } = [];

    /// <summary>Token texts the post-processor puts after a single sequence.</summary>
    public List<string> SequenceSuffix { get; init; } = [];

    /// <summary>Parses <paramref name="path"/>; throws <see cref="TokenizerLoadException"/> naming the file and setting.</summary>
    public static TokenizerJsonFile Read(string path)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new TokenizerLoadException($"{path} is not valid JSON: {e.Message}", e);
        }
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            throw new TokenizerLoadException($"{path}: no \"model\" object; expected a Hugging Face tokenizer.json");

        var modelType = GetString(model, "type") ?? (model.TryGetProperty("merges", out _) ? "BPE" : "unknown");
        // WordPiece (BERT) files are handed to BertTokenizer, which does its own normalization and splitting; only
        // whether it lower-cases is taken from the file.
        var isBpe = modelType == "BPE";
        var (normalization, lowercase) = isBpe ? ReadNormalizer(path, root) : (null, BertLowercase(root));
        var (byteLevel, prefixSpace, pattern) = isBpe ? ReadPreTokenizer(path, root) : (false, false, null);
        if (!byteLevel && root.TryGetProperty("decoder", out var decoder) && decoder.ValueKind == JsonValueKind.Object)
            byteLevel = GetString(decoder, "type") == "ByteLevel";
        var (prefix, suffix) = ReadPostProcessor(root);

        return new TokenizerJsonFile
        {
            ModelType = modelType,
            Vocabulary = ReadVocabulary(path, model),
            Merges = ReadMerges(path, model),
            AddedTokens = ReadAddedTokens(root),
            UnknownToken = GetString(model, "unk_token"),
            ContinuingSubwordPrefix = GetString(model, "continuing_subword_prefix"),
            EndOfWordSuffix = GetString(model, "end_of_word_suffix"),
            FuseUnknown = model.TryGetProperty("fuse_unk", out var fuse) && fuse.ValueKind == JsonValueKind.True,
            ByteLevel = byteLevel,
            AddPrefixSpace = prefixSpace,
            SplitPattern = pattern,
            UnicodeNormalization = normalization,
            Lowercase = lowercase,
            SequencePrefix = prefix,
            SequenceSuffix = suffix,
        };
    }

    private static Dictionary<string, int> ReadVocabulary(string path, JsonElement model)
    {
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!model.TryGetProperty("vocab", out var vocab)) return vocabulary;
        if (vocab.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in vocab.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id))
                    throw new TokenizerLoadException($"{path}: model.vocab[\"{entry.Name}\"] is {entry.Value.ValueKind}; expected an integer id");
                vocabulary[entry.Name] = id;
            }
        }
        else if (vocab.ValueKind == JsonValueKind.Array)
        {
            // Unigram stores [piece, score] pairs; the position is the id.
            var id = 0;
            foreach (var item in vocab.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Array && item.GetArrayLength() > 0 && item[0].ValueKind == JsonValueKind.String)
                    vocabulary[item[0].GetString()!] = id;
                id++;
            }
        }
        return vocabulary;
    }

    private static List<string> ReadMerges(string path, JsonElement model)
    {
        var merges = new List<string>();
        if (!model.TryGetProperty("merges", out var list) || list.ValueKind != JsonValueKind.Array) return merges;
        var index = 0;
        foreach (var merge in list.EnumerateArray())
        {
            // Older files write "left right"; tokenizers 0.20+ writes ["left", "right"].
            if (merge.ValueKind == JsonValueKind.String) merges.Add(merge.GetString()!);
            else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2
                     && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String)
                merges.Add($"{merge[0].GetString()} {merge[1].GetString()}");
            else
                throw new TokenizerLoadException($"{path}: model.merges[{index}] is {merge.GetRawText()}; expected \"left right\" or [\"left\", \"right\"]");
            index++;
        }
        return merges;
    }

    private static List<(string, int, bool)> ReadAddedTokens(JsonElement root)
    {
        var added = new List<(string, int, bool)>();
        if (!root.TryGetProperty("added_tokens", out var list) || list.ValueKind != JsonValueKind.Array) return added;
        foreach (var token in list.EnumerateArray())
        {
            if (GetString(token, "content") is not { } content) continue;
            if (!token.TryGetProperty("id", out var id) || !id.TryGetInt32(out var value)) continue;
            var special = token.TryGetProperty("special", out var flag) && flag.ValueKind == JsonValueKind.True;
            added.Add((content, value, special));
        }
        return added;
    }

    private static (System.Text.NormalizationForm?, bool) ReadNormalizer(string path, JsonElement root)
    {
        if (!root.TryGetProperty("normalizer", out var normalizer) || normalizer.ValueKind == JsonValueKind.Null) return (null, false);
        System.Text.NormalizationForm? form = null;
        var lowercase = false;
        foreach (var step in Flatten(normalizer, "normalizers"))
        {
            switch (GetString(step, "type"))
            {
                case "NFC": form = System.Text.NormalizationForm.FormC; break;
                case "NFD": form = System.Text.NormalizationForm.FormD; break;
                case "NFKC": form = System.Text.NormalizationForm.FormKC; break;
                case "NFKD": form = System.Text.NormalizationForm.FormKD; break;
                case "Lowercase": lowercase = true; break;
                case var other:
                    throw new TokenizerLoadException(
                        $"{path}: normalizer type \"{other}\" is not supported; supported: NFC, NFD, NFKC, NFKD, Lowercase (or none). " +
                        "For SentencePiece models put tokenizer.model in the directory instead.");
            }
        }
        return (form, lowercase);
    }

    // BertNormalizer's lowercase is true unless set to false.
    private static bool BertLowercase(JsonElement root) =>
        !(root.TryGetProperty("normalizer", out var normalizer) && normalizer.ValueKind == JsonValueKind.Object
          && normalizer.TryGetProperty("lowercase", out var lower) && lower.ValueKind == JsonValueKind.False);

    private static (bool ByteLevel, bool PrefixSpace, string? Pattern) ReadPreTokenizer(string path, JsonElement root)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind == JsonValueKind.Null) return (false, false, null);
        bool byteLevel = false, prefixSpace = false;
        string? pattern = null;
        foreach (var step in Flatten(pre, "pretokenizers"))
        {
            switch (GetString(step, "type"))
            {
                case "ByteLevel":
                    byteLevel = true;
                    prefixSpace = step.TryGetProperty("add_prefix_space", out var add) && add.ValueKind == JsonValueKind.True;
                    // use_regex defaults to true: the GPT-2 split, unless a Split step already gave a pattern.
                    var useRegex = !step.TryGetProperty("use_regex", out var regex) || regex.ValueKind != JsonValueKind.False;
                    if (useRegex) pattern ??= ByteLevelAlphabet.Gpt2SplitPattern;
                    break;
                case "Split":
                    if (step.TryGetProperty("pattern", out var p) && p.ValueKind == JsonValueKind.Object)
                    {
                        if (GetString(p, "Regex") is { } r) pattern = r;
                        else if (GetString(p, "String") is { } s) pattern = System.Text.RegularExpressions.Regex.Escape(s);
                    }
                    if (GetString(step, "behavior") is { } behavior && behavior != "Isolated")
                        throw new TokenizerLoadException($"{path}: pre_tokenizer Split behavior \"{behavior}\" is not supported; supported: Isolated");
                    if (step.TryGetProperty("invert", out var invert) && invert.ValueKind == JsonValueKind.True)
                        throw new TokenizerLoadException($"{path}: pre_tokenizer Split with invert: true is not supported");
                    break;
                case "Whitespace":
                    pattern = @"\w+|[^\w\s]+";
                    break;
                case "Digits" when step.TryGetProperty("individual_digits", out var single) && single.ValueKind == JsonValueKind.False:
                    break;
                case var other:
                    throw new TokenizerLoadException(
                        $"{path}: pre_tokenizer type \"{other}\" is not supported; supported: ByteLevel, Split (Isolated), Whitespace. " +
                        "For SentencePiece models put tokenizer.model in the directory instead.");
            }
        }
        return (byteLevel, prefixSpace, pattern);
    }

    private static (List<string>, List<string>) ReadPostProcessor(JsonElement root)
    {
        List<string> prefix = [], suffix = [];
        if (!root.TryGetProperty("post_processor", out var post) || post.ValueKind != JsonValueKind.Object) return (prefix, suffix);
        foreach (var step in Flatten(post, "processors"))
        {
            switch (GetString(step, "type"))
            {
                case "TemplateProcessing" when step.TryGetProperty("single", out var single) && single.ValueKind == JsonValueKind.Array:
                    var seenSequence = false;
                    foreach (var piece in single.EnumerateArray())
                    {
                        if (piece.TryGetProperty("Sequence", out _)) seenSequence = true;
                        else if (piece.TryGetProperty("SpecialToken", out var special) && GetString(special, "id") is { } id)
                            (seenSequence ? suffix : prefix).Add(id);
                    }
                    break;
                case "BertProcessing" or "RobertaProcessing":
                    if (step.TryGetProperty("cls", out var cls) && cls.ValueKind == JsonValueKind.Array && cls[0].GetString() is { } c) prefix.Add(c);
                    if (step.TryGetProperty("sep", out var sep) && sep.ValueKind == JsonValueKind.Array && sep[0].GetString() is { } s) suffix.Add(s);
                    break;
            }
        }
        return (prefix, suffix);
    }

    // A Sequence wraps a list of steps under `listName`; anything else is a single step.
    private static IEnumerable<JsonElement> Flatten(JsonElement element, string listName)
    {
        if (GetString(element, "type") == "Sequence" && element.TryGetProperty(listName, out var steps) && steps.ValueKind == JsonValueKind.Array)
        {
            foreach (var step in steps.EnumerateArray())
                foreach (var inner in Flatten(step, listName))
                    yield return inner;
        }
        else yield return element;
    }

    private static string? GetString(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
