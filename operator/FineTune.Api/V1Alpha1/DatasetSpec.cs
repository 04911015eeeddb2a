using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>A JSONL dataset and how to read it.</summary>
[CelRule("!(has(self.validationUri) && has(self.validationSplit))", "set validationUri or validationSplit, not both", FieldPath = ".validationSplit")]
[CelRule("self.format in ['text', 'instruction', 'chat'] || !has(self.completionOnlyLoss) || !self.completionOnlyLoss", "", FieldPath = ".completionOnlyLoss",
    MessageExpression = "'applies to text, instruction and chat datasets only, format is ' + self.format")]
[CelRule("self.format == 'chat' || !has(self.chatTemplate)", "applies to chat datasets only", FieldPath = ".chatTemplate")]
public sealed class DatasetSpec
{
    /// <summary>The training records, one JSON object per line.</summary>
    [Pattern(Patterns.StorageUri, Patterns.StorageUriAccepted), Length(Min = 1, Max = 2048)]
    public required string Uri { get; set; }

    /// <summary>Separate validation records; otherwise validationSplit holds out a share of the training set.</summary>
    [Pattern(Patterns.StorageUri, Patterns.StorageUriAccepted), Length(Min = 1, Max = 2048)]
    public string? ValidationUri { get; set; }

    /// <summary>Share of the training records held out for validation, after a seeded shuffle.</summary>
    [Minimum(0, Exclusive = true), Maximum(0.5)]
    public double? ValidationSplit { get; set; }

    /// <summary>Record shape: text, instruction, chat, classification, preference or prompt.</summary>
    public DatasetFormat Format { get; set; } = DatasetFormat.Text;

    /// <summary>Compute the loss on the response tokens only (instruction and chat); prompts are masked.</summary>
    public bool? CompletionOnlyLoss { get; set; }

    /// <summary>Template for chat records; defaults to the model's own when known, otherwise chatml.</summary>
    public ChatTemplate? ChatTemplate { get; set; }

    /// <summary>Concatenate short examples into full-length sequences.</summary>
    public bool Packing { get; set; }

    /// <summary>Use at most this many training records.</summary>
    [Minimum(1)]
    public long? MaxSamples { get; set; }

    /// <summary>Skip and count malformed lines instead of stopping at the first one.</summary>
    public bool SkipInvalidLines { get; set; }

    /// <summary>What happens to records longer than hyperparameters.sequenceLength.</summary>
    public TruncationMode Truncation { get; set; } = TruncationMode.Truncate;
}
