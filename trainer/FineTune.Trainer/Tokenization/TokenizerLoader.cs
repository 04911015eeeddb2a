using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace FineTune.Trainer.Tokenization;

/// <summary>
/// Picks and loads the tokenizer of a Hugging Face model directory. Looked for, in this order: tokenizer.json (BPE or
/// WordPiece model), vocab.json with merges.txt (GPT-2 byte-level BPE), tokenizer.model (SentencePiece, Llama),
/// vocab.txt (BERT WordPiece); when none is present and config.json says model_type gpt2, the packaged GPT-2 tokenizer.
/// </summary>
public static class TokenizerLoader
{
    /// <summary>The files the loader recognises, as listed in its error messages.</summary>
    public const string RecognisedFiles =
        "tokenizer.json (BPE or WordPiece), vocab.json + merges.txt (GPT-2 BPE), tokenizer.model (SentencePiece), vocab.txt (BERT WordPiece)";

    /// <summary>Loads the tokenizer in <paramref name="directory"/>; throws <see cref="TokenizerLoadException"/> when none fits.</summary>
    public static ITextTokenizer Load(string directory)
    {
        if (!Directory.Exists(directory))
            throw new TokenizerLoadException($"tokenizer directory {directory} does not exist");
        var settings = SpecialTokenSettings.Read(directory);

        var tokenizerJson = Path.Combine(directory, "tokenizer.json");
        var sentencePiece = Path.Combine(directory, "tokenizer.model");
        if (File.Exists(tokenizerJson))
        {
            var file = TokenizerJsonFile.Read(tokenizerJson);
            switch (file.ModelType)
            {
                case "BPE": return FromTokenizerJsonBpe(tokenizerJson, file, settings);
                case "WordPiece": return FromWordPieceVocabulary(tokenizerJson, file.Vocabulary, settings, file.Lowercase);
                case var other when !File.Exists(sentencePiece):
                    throw new TokenizerLoadException(
                        $"{tokenizerJson}: model type \"{other}\" is not supported; supported in tokenizer.json: BPE, WordPiece. " +
                        "For SentencePiece (Unigram) models put tokenizer.model in the directory.");
            }
        }

        var vocabJson = Path.Combine(directory, "vocab.json");
        var mergesTxt = Path.Combine(directory, "merges.txt");
        if (File.Exists(vocabJson) != File.Exists(mergesTxt))
        {
            var (present, missing) = File.Exists(vocabJson) ? (vocabJson, mergesTxt) : (mergesTxt, vocabJson);
            throw new TokenizerLoadException($"{present} is present but {missing} is missing; a GPT-2 BPE tokenizer needs both");
        }
        if (File.Exists(vocabJson)) return FromVocabAndMerges(vocabJson, mergesTxt, settings);
        if (File.Exists(sentencePiece)) return FromSentencePiece(sentencePiece, settings);

        var vocabTxt = Path.Combine(directory, "vocab.txt");
        if (File.Exists(vocabTxt)) return FromBertVocab(vocabTxt, settings);

        if (string.Equals(settings.ModelType, "gpt2", StringComparison.OrdinalIgnoreCase)) return PackagedGpt2.Create();

        throw new TokenizerLoadException(
            $"no tokenizer found in {directory}: looked for {RecognisedFiles}, " +
            $"or config.json with model_type gpt2 for the packaged GPT-2 tokenizer (model_type is {settings.ModelType ?? "absent"})");
    }

    private static ITextTokenizer FromTokenizerJsonBpe(string path, TokenizerJsonFile file, SpecialTokenSettings settings)
    {
        // Added tokens are all matched whole; only those marked special are skipped when decoding with skipSpecialTokens.
        var added = file.AddedTokens.ToDictionary(t => t.Content, t => t.Id, StringComparer.Ordinal);
        var special = file.AddedTokens.Where(t => t.Special).ToDictionary(t => t.Content, t => t.Id, StringComparer.Ordinal);
        // The split pattern is compiled inside Create so that a pattern .NET cannot parse is reported as a load error.
        var bpe = Create(path, () => BpeTokenizer.Create(new BpeOptions(file.Vocabulary)
        {
            Merges = file.Merges,
            SpecialTokens = added.Count == 0 ? null : added,
            ByteLevel = file.ByteLevel,
            PreTokenizer = ByteLevelAlphabet.CreatePreTokenizer(added, file.SplitPattern ?? WholeText),
            UnknownToken = file.UnknownToken,
            ContinuingSubwordPrefix = file.ContinuingSubwordPrefix,
            EndOfWordSuffix = file.EndOfWordSuffix,
            FuseUnknownTokens = file.FuseUnknown,
        }));
        var lookup = Lookup(file.Vocabulary, added);
        var prefix = file.SequencePrefix.Select(t => Require(path, "post_processor", t, lookup)).ToList();
        var suffix = file.SequenceSuffix.Select(t => Require(path, "post_processor", t, lookup)).ToList();
        var bos = Resolve(settings.BosToken, settings.BosId, lookup);
        if (prefix.Count == 0 && suffix.Count == 0 && settings.AddBosToken == true && bos is int b) prefix.Add(b);

        var normalization = file.UnicodeNormalization;
        var lowercase = file.Lowercase;
        var prefixSpace = file.AddPrefixSpace;
        IReadOnlyList<int> EncodeRaw(string text)
        {
            if (normalization is { } form) text = text.Normalize(form);
            if (lowercase) text = text.ToLowerInvariant();
            if (prefixSpace && !text.StartsWith(' ')) text = " " + text;
            return bpe.EncodeToIds(text);
        }

        return new TextTokenizer(bpe, EncodeRaw, $"BPE{(file.ByteLevel ? " byte-level" : "")} from {path}",
            VocabularySize(file.Vocabulary.Values.Concat(added.Values)), special, bos,
            Resolve(settings.EosToken, settings.EosId, lookup), Resolve(settings.PadToken, settings.PadId, lookup), prefix, suffix);
    }

    private static ITextTokenizer FromVocabAndMerges(string vocabPath, string mergesPath, SpecialTokenSettings settings)
    {
        Dictionary<string, int> vocab;
        try
        {
            vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllBytes(vocabPath))
                ?? throw new TokenizerLoadException($"{vocabPath} is empty; expected a JSON object of token to id");
        }
        catch (JsonException e)
        {
            throw new TokenizerLoadException($"{vocabPath} is not a JSON object of token to integer id: {e.Message}", e);
        }
        // merges.txt starts with a "#version" line; every other non-empty line is "left right".
        var merges = new List<string>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(mergesPath))
        {
            lineNumber++;
            if (line.Length == 0 || (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal))) continue;
            if (line.Split(' ').Length != 2)
                throw new TokenizerLoadException($"{mergesPath}:{lineNumber}: \"{line}\" is not a merge; expected \"left right\"");
            merges.Add(line);
        }

        // Specials are the tokens the configuration names plus GPT-2's end-of-text, when the vocabulary has them.
        var specials = new Dictionary<string, int>(settings.AddedSpecialTokens, StringComparer.Ordinal);
        foreach (var name in new[] { settings.BosToken, settings.EosToken, settings.PadToken, settings.UnkToken, PackagedGpt2.EndOfText })
            if (name is not null && vocab.TryGetValue(name, out var id)) specials[name] = id;

        var options = new BpeOptions(vocab)
        {
            Merges = merges,
            ByteLevel = true,
            SpecialTokens = specials.Count == 0 ? null : specials,
            PreTokenizer = ByteLevelAlphabet.CreatePreTokenizer(specials),
        };
        var bpe = Create(vocabPath, () => BpeTokenizer.Create(options));
        var lookup = Lookup(vocab, specials);
        var bos = Resolve(settings.BosToken ?? PackagedGpt2.EndOfText, settings.BosId, lookup);
        var eos = Resolve(settings.EosToken ?? PackagedGpt2.EndOfText, settings.EosId, lookup);
        List<int> prefix = settings.AddBosToken == true && bos is int b ? [b] : [];
        return new TextTokenizer(bpe, text => bpe.EncodeToIds(text), $"GPT-2 byte-level BPE from {vocabPath}",
            VocabularySize(vocab.Values.Concat(specials.Values)), specials, bos, eos,
            Resolve(settings.PadToken, settings.PadId, lookup), prefix, []);
    }

    private static ITextTokenizer FromSentencePiece(string path, SpecialTokenSettings settings)
    {
        var added = settings.AddedSpecialTokens.Count == 0 ? null : settings.AddedSpecialTokens;
        using var stream = File.OpenRead(path);
        var sp = Create(path, () => LlamaTokenizer.Create(stream, addBeginOfSentence: false, addEndOfSentence: false, specialTokens: added));
        var specials = new Dictionary<string, int>(settings.AddedSpecialTokens, StringComparer.Ordinal)
        {
            [sp.BeginningOfSentenceToken] = sp.BeginningOfSentenceId,
            [sp.EndOfSentenceToken] = sp.EndOfSentenceId,
        };
        var lookup = Lookup(sp.Vocabulary, specials);
        var bos = Resolve(settings.BosToken, settings.BosId, lookup) ?? sp.BeginningOfSentenceId;
        var eos = Resolve(settings.EosToken, settings.EosId, lookup) ?? sp.EndOfSentenceId;
        List<int> prefix = settings.AddBosToken ?? true ? [bos] : [];
        return new TextTokenizer(sp, text => sp.EncodeToIds(text, false, false), $"SentencePiece from {path}",
            VocabularySize(sp.Vocabulary.Values.Concat(specials.Values)), specials, bos, eos,
            Resolve(settings.PadToken, settings.PadId, lookup), prefix, []);
    }

    private static ITextTokenizer FromBertVocab(string path, SpecialTokenSettings settings)
    {
        var lines = File.ReadAllLines(path);
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++) vocab.TryAdd(lines[i], i);
        return FromWordPieceVocabulary(path, vocab, settings, settings.DoLowerCase ?? true);
    }

    private static ITextTokenizer FromWordPieceVocabulary(string path, Dictionary<string, int> vocab, SpecialTokenSettings settings, bool lowercase)
    {
        var ordered = vocab.OrderBy(kv => kv.Value).ToList();
        for (var i = 0; i < ordered.Count; i++)
            if (ordered[i].Value != i)
                throw new TokenizerLoadException($"{path}: WordPiece ids are not contiguous (no token has id {i}); expected ids 0..{ordered.Count - 1}");
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", ordered.Select(kv => kv.Key)) + "\n"));
        var bert = Create(path, () => BertTokenizer.Create(stream, new BertOptions { LowerCaseBeforeTokenization = lowercase }));
        var specials = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            [bert.ClassificationToken] = bert.ClassificationTokenId,
            [bert.SeparatorToken] = bert.SeparatorTokenId,
            [bert.PaddingToken] = bert.PaddingTokenId,
            [bert.MaskingToken] = bert.MaskingTokenId,
        };
        if (bert.UnknownToken is { } unk) specials[unk] = bert.UnknownTokenId;
        return new TextTokenizer(bert, text => bert.EncodeToIds(text, addSpecialTokens: false), $"BERT WordPiece from {path}",
            ordered.Count, specials, null, null, bert.PaddingTokenId, [bert.ClassificationTokenId], [bert.SeparatorTokenId]);
    }

    // Matches a whole input as one piece (the pre-tokenizer still splits out special tokens).
    private const string WholeText = @"(?s).+";

    private static T Create<T>(string path, Func<T> create)
    {
        try
        {
            return create();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or InvalidDataException
                                      or IOException or KeyNotFoundException or IndexOutOfRangeException)
        {
            throw new TokenizerLoadException($"{path} could not be loaded as a tokenizer: {e.Message}", e);
        }
    }

    private static Func<string, int?> Lookup(IReadOnlyDictionary<string, int> vocab, IReadOnlyDictionary<string, int> specials) =>
        text => specials.TryGetValue(text, out var s) ? s : vocab.TryGetValue(text, out var v) ? v : null;

    private static int Require(string path, string setting, string token, Func<string, int?> lookup) =>
        lookup(token) ?? throw new TokenizerLoadException($"{path}: {setting} names token \"{token}\", which is not in the vocabulary");

    private static int? Resolve(string? text, int? configuredId, Func<string, int?> lookup) =>
        (text is null ? null : lookup(text)) ?? configuredId;

    private static int VocabularySize(IEnumerable<int> ids) => ids.DefaultIfEmpty(-1).Max() + 1;
}
