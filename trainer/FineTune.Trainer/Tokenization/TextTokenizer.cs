using Microsoft.ML.Tokenizers;

namespace FineTune.Trainer.Tokenization;

/// <summary>
/// Adapts one Microsoft.ML.Tokenizers tokenizer to <see cref="ITextTokenizer"/>. The family-specific parts (how raw
/// ids are produced, which ids frame a sequence) are passed in by <see cref="TokenizerLoader"/>, so every family
/// shares one implementation of special-token handling and decoding.
/// </summary>
public sealed class TextTokenizer : ITextTokenizer
{
    private readonly Tokenizer _inner;
    private readonly Func<string, IReadOnlyList<int>> _encodeRaw;
    private readonly int[] _prefix;
    private readonly int[] _suffix;
    private readonly HashSet<int> _specialIds;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The tokenizer doing the work; used for decoding.</param>
    /// <param name="encodeRaw">Encodes text without any added framing tokens.</param>
    /// <param name="description">Kind and source, for logs.</param>
    /// <param name="vocabularySize">One past the highest id.</param>
    /// <param name="specialTokens">Special tokens by text.</param>
    /// <param name="bosId">Beginning-of-sequence id, if any.</param>
    /// <param name="eosId">End-of-sequence id, if any.</param>
    /// <param name="padId">Pad id, if the tokenizer defines one.</param>
    /// <param name="sequencePrefix">Ids placed before a sequence when special tokens are requested.</param>
    /// <param name="sequenceSuffix">Ids placed after a sequence when special tokens are requested.</param>
    public TextTokenizer(
        Tokenizer inner,
        Func<string, IReadOnlyList<int>> encodeRaw,
        string description,
        int vocabularySize,
        IReadOnlyDictionary<string, int> specialTokens,
        int? bosId,
        int? eosId,
        int? padId,
        IEnumerable<int> sequencePrefix,
        IEnumerable<int> sequenceSuffix)
    {
        _inner = inner;
        _encodeRaw = encodeRaw;
        Description = description;
        VocabularySize = vocabularySize;
        SpecialTokens = specialTokens;
        BosId = bosId;
        EosId = eosId;
        PadId = padId ?? eosId ?? 0;
        _prefix = sequencePrefix.ToArray();
        _suffix = sequenceSuffix.ToArray();
        _specialIds = [.. specialTokens.Values];
        foreach (var id in new[] { bosId, eosId, padId })
            if (id is int known) _specialIds.Add(known);
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public int VocabularySize { get; }

    /// <inheritdoc />
    public int? BosId { get; }

    /// <inheritdoc />
    public int? EosId { get; }

    /// <inheritdoc />
    public int PadId { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <inheritdoc />
    public IReadOnlyList<int> SequencePrefix => _prefix;

    /// <inheritdoc />
    public IReadOnlyList<int> SequenceSuffix => _suffix;

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false)
    {
        var raw = text.Length == 0 ? [] : _encodeRaw(text);
        if (!addSpecialTokens || (_prefix.Length == 0 && _suffix.Length == 0)) return raw;
        var framed = new List<int>(raw.Count + _prefix.Length + _suffix.Length);
        framed.AddRange(_prefix);
        framed.AddRange(raw);
        framed.AddRange(_suffix);
        return framed;
    }

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        var kept = skipSpecialTokens ? ids.Where(id => !_specialIds.Contains(id)) : ids;
        return _inner.Decode(kept) ?? string.Empty;
    }

    /// <inheritdoc />
    public override string ToString() => Description;
}
