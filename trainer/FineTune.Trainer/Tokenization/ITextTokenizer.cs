namespace FineTune.Trainer.Tokenization;

/// <summary>
/// The tokenizer as the rest of the trainer sees it: text to ids and back, the vocabulary size the embedding must
/// cover, and the ids of the special tokens that data preparation and generation need.
/// </summary>
public interface ITextTokenizer
{
    /// <summary>Which kind of tokenizer this is and where it came from (for logs and errors).</summary>
    string Description { get; }

    /// <summary>One past the highest id the tokenizer can produce; the model's vocabulary must be at least this.</summary>
    int VocabularySize { get; }

    /// <summary>Beginning-of-sequence id, when the tokenizer has one.</summary>
    int? BosId { get; }

    /// <summary>End-of-sequence id, when the tokenizer has one; appended to training records so the model learns to stop.</summary>
    int? EosId { get; }

    /// <summary>
    /// Id used to fill padded positions. Padded positions are masked out of attention and loss, so when the tokenizer
    /// defines no pad token this falls back to the end-of-sequence id (then 0).
    /// </summary>
    int PadId { get; }

    /// <summary>Special tokens by their text; their text in an input encodes to the single id.</summary>
    IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <summary>Ids the model family puts before one sequence (BERT: [CLS]; Llama: BOS; GPT-2: none).</summary>
    IReadOnlyList<int> SequencePrefix { get; }

    /// <summary>Ids the model family puts after one sequence (BERT: [SEP]; decoders usually none).</summary>
    IReadOnlyList<int> SequenceSuffix { get; }

    /// <summary>
    /// Encodes text. With <paramref name="addSpecialTokens"/> the markers the model family expects around one
    /// sequence are added (BERT: [CLS] ... [SEP]; Llama: the BOS token; GPT-2: nothing).
    /// </summary>
    IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false);

    /// <summary>Decodes ids to text, optionally leaving out special tokens.</summary>
    string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false);
}
