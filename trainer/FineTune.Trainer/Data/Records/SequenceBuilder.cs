using FineTune.Trainer.Tokenization;

namespace FineTune.Trainer.Data.Records;

/// <summary>
/// Assembles a token sequence from pieces that are either targets or context, framed the way the model family expects
/// (BOS/[CLS] before, [SEP] after) and ended with EOS for generative training, so that a model learns to stop.
/// </summary>
public sealed class SequenceBuilder(ITextTokenizer tokenizer)
{
    private readonly List<int> _ids = [];
    private readonly List<int> _labels = [];

    /// <summary>Tokens added so far.</summary>
    public int Count => _ids.Count;

    /// <summary>Adds the family's leading ids (never targets).</summary>
    public SequenceBuilder Begin()
    {
        Append(tokenizer.SequencePrefix, isTarget: false);
        return this;
    }

    /// <summary>Encodes <paramref name="text"/> and adds it, as targets or as context.</summary>
    public SequenceBuilder Text(string text, bool isTarget)
    {
        Append(tokenizer.Encode(text), isTarget);
        return this;
    }

    /// <summary>Adds ids, as targets or as context.</summary>
    public SequenceBuilder Append(IReadOnlyList<int> ids, bool isTarget)
    {
        _ids.AddRange(ids);
        foreach (var id in ids) _labels.Add(isTarget ? id : TokenSequence.IgnoreIndex);
        return this;
    }

    /// <summary>Adds the family's trailing ids and, with <paramref name="endOfSequence"/>, the EOS token as a target.</summary>
    public TokenSequence End(bool endOfSequence, bool eosIsTarget = true)
    {
        Append(tokenizer.SequenceSuffix, isTarget: false);
        if (endOfSequence && tokenizer.EosId is int eos && (_ids.Count == 0 || _ids[^1] != eos))
            Append([eos], eosIsTarget);
        return new TokenSequence([.. _ids], [.. _labels]);
    }
}
