using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Data.Records;
using FineTune.Trainer.Tokenization;

namespace FineTune.Trainer.Data;

/// <summary>
/// Turns local JSONL files into training and validation examples: reads and encodes every record for the dataset's
/// format, holds out a seeded validation share when asked, limits the training records to maxSamples, and packs.
/// </summary>
public static class DatasetPreparer
{
    /// <summary>Prepares <paramref name="trainPath"/> (and <paramref name="validationPath"/>, if any).</summary>
    /// <exception cref="DatasetException">A record is malformed or too long, a file is missing or empty, or an option does not fit.</exception>
    public static PreparedDataset Prepare(string trainPath, string? validationPath, ITextTokenizer tokenizer, DatasetOptions options)
    {
        var generative = options.Format is DatasetFormat.Text or DatasetFormat.Instruction or DatasetFormat.Chat;
        if (options.Packing && !generative)
            throw new DatasetException($"dataset.packing applies to text, instruction and chat datasets; format is {FormatName(options.Format)}");
        if (options.ValidationSplit is double split && validationPath is not null)
            throw new DatasetException($"dataset.validationSplit ({split}) and dataset.validationUri are both set; set one of them");

        var labels = new ClassLabels(options.NumLabels, options.LabelIds);
        var reader = new DatasetReader(CreateEncoder(tokenizer, options, labels), options);
        var holdOut = options.ValidationSplit is not null;
        var (train, trainStatistics) = reader.Read(trainPath, holdOut ? null : options.MaxSamples);
        if (options.Format == DatasetFormat.Classification) train = labels.Freeze(train);

        List<Example> validation = [];
        DatasetStatistics? validationStatistics = null;
        if (validationPath is not null)
            (validation, validationStatistics) = reader.Read(validationPath);
        else if (options.ValidationSplit is double share)
            (train, validation) = Split(trainPath, train, share, options.Seed);

        if (options.MaxSamples is long max && train.Count > max) train = train[..(int)max];
        if (options.Packing)
        {
            train = SequencePacker.Pack(train, options.SequenceLength);
            validation = SequencePacker.Pack(validation, options.SequenceLength);
        }
        return new PreparedDataset
        {
            Train = train,
            Validation = validation,
            TrainStatistics = trainStatistics,
            ValidationStatistics = validationStatistics,
            LabelNames = labels.Names,
        };
    }

    /// <summary>The record encoder of <paramref name="options"/>' format.</summary>
    public static IRecordEncoder CreateEncoder(ITextTokenizer tokenizer, DatasetOptions options, ClassLabels labels) => options.Format switch
    {
        DatasetFormat.Text => new TextRecordEncoder(tokenizer),
        DatasetFormat.Instruction => new InstructionRecordEncoder(tokenizer, options.CompletionOnlyLoss),
        DatasetFormat.Chat => new ChatRecordEncoder(tokenizer, options.ChatTemplate, options.CompletionOnlyLoss),
        DatasetFormat.Classification => new ClassificationRecordEncoder(tokenizer, labels),
        DatasetFormat.Preference => new PreferenceRecordEncoder(tokenizer),
        DatasetFormat.Prompt => new PromptRecordEncoder(tokenizer),
        _ => throw new DatasetException($"dataset.format {options.Format} is not supported; supported: text, instruction, chat, classification, preference, prompt"),
    };

    // Seeded shuffle, then the first share is held out; both parts keep file order.
    private static (List<Example> Train, List<Example> Validation) Split(string path, List<Example> examples, double share, long seed)
    {
        if (examples.Count < 2)
            throw new DatasetException($"{path}: dataset.validationSplit needs at least 2 records to hold some out; the file has {examples.Count}");
        var held = Math.Clamp((int)Math.Round(examples.Count * share, MidpointRounding.AwayFromZero), 1, examples.Count - 1);
        var order = DeterministicRandom.For(seed, stream: 1).Permutation(examples.Count);
        var isValidation = new bool[examples.Count];
        foreach (var index in order.Take(held)) isValidation[index] = true;
        var train = examples.Where((_, i) => !isValidation[i]).ToList();
        var validation = examples.Where((_, i) => isValidation[i]).ToList();
        return (train, validation);
    }

    private static string FormatName(DatasetFormat format) => format.ToString().ToLowerInvariant();
}
