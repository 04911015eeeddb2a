using FineTune.Api.V1Alpha1;

namespace FineTune.Trainer.Data;

/// <summary>
/// Everything data preparation needs, gathered from <see cref="DatasetSpec"/>, <see cref="Hyperparameters"/> and the
/// model (label count, label names, chat template), with the defaults the API documents applied.
/// </summary>
public sealed record DatasetOptions
{
    /// <summary>Record shape.</summary>
    public DatasetFormat Format { get; init; } = DatasetFormat.Text;

    /// <summary>Tokens per sequence (hyperparameters.sequenceLength).</summary>
    public int SequenceLength { get; init; } = 512;

    /// <summary>Mask prompt tokens out of the loss (instruction and chat; default on for those).</summary>
    public bool CompletionOnlyLoss { get; init; } = true;

    /// <summary>Template for chat records.</summary>
    public ChatTemplate ChatTemplate { get; init; } = ChatTemplate.Chatml;

    /// <summary>Concatenate examples into full-length sequences (text, instruction, chat).</summary>
    public bool Packing { get; init; }

    /// <summary>Use at most this many training records.</summary>
    public long? MaxSamples { get; init; }

    /// <summary>Skip and count malformed lines instead of stopping.</summary>
    public bool SkipInvalidLines { get; init; }

    /// <summary>What happens to records longer than <see cref="SequenceLength"/>.</summary>
    public TruncationMode Truncation { get; init; } = TruncationMode.Truncate;

    /// <summary>Share of the training records held out for validation when no validation file is given.</summary>
    public double? ValidationSplit { get; init; }

    /// <summary>Seed of the validation split (and, in <see cref="Batching.BatchIterator"/>, of epoch shuffling).</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Number of classes (classification); integer labels must be below it.</summary>
    public int? NumLabels { get; init; }

    /// <summary>Class names to ids (classification with string labels), e.g. from config.json's label2id.</summary>
    public IReadOnlyDictionary<string, int>? LabelIds { get; init; }

    /// <summary>
    /// Options for <paramref name="dataset"/> trained with <paramref name="hyperparameters"/>.
    /// <paramref name="modelChatTemplate"/> is the model's own template, used when the spec names none.
    /// </summary>
    public static DatasetOptions From(
        DatasetSpec dataset,
        Hyperparameters hyperparameters,
        int? numLabels = null,
        IReadOnlyDictionary<string, int>? labelIds = null,
        ChatTemplate? modelChatTemplate = null) => new()
    {
        Format = dataset.Format,
        SequenceLength = hyperparameters.SequenceLength,
        CompletionOnlyLoss = dataset.CompletionOnlyLoss ?? dataset.Format is DatasetFormat.Instruction or DatasetFormat.Chat,
        ChatTemplate = dataset.ChatTemplate ?? modelChatTemplate ?? ChatTemplate.Chatml,
        Packing = dataset.Packing,
        MaxSamples = dataset.MaxSamples,
        SkipInvalidLines = dataset.SkipInvalidLines,
        Truncation = dataset.Truncation,
        ValidationSplit = dataset.ValidationSplit,
        Seed = hyperparameters.Seed,
        NumLabels = numLabels,
        LabelIds = labelIds,
    };
}
