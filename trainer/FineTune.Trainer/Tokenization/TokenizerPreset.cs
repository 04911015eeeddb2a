namespace FineTune.Trainer.Tokenization;

/// <summary>Which tokenizer <see cref="TokenizerWriter"/> writes into a new model directory.</summary>
public enum TokenizerPreset
{
    /// <summary>GPT-2's byte-level BPE (50,257 ids) as vocab.json + merges.txt.</summary>
    Gpt2,

    /// <summary>
    /// 256 byte tokens plus the special tokens of the chat templates (264 ids) as tokenizer.json: small enough that a
    /// tiny test model's embedding stays tiny, and able to spell any text.
    /// </summary>
    ByteLevel,
}
