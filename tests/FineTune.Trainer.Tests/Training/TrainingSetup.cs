using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Data;
using FineTune.Trainer.Data.Tasks;
using FineTune.Trainer.Models;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Training;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Training;

/// <summary>
/// Real parts for loop tests: the reverse-words instruction task read by the real data preparer with the byte-level
/// tokenizer, and tiny seeded models whose vocabulary matches it.
/// </summary>
internal static class TrainingSetup
{
    private static readonly Lazy<PreparedDataset> ReverseWords = new(() =>
    {
        using var dir = new TempDirectory();
        var train = Path.Combine(dir.Path, "train.jsonl");
        var validation = Path.Combine(dir.Path, "validation.jsonl");
        ReverseWordsTask.WriteJsonl(train, 256, ReverseWordsTask.TrainSeed);
        ReverseWordsTask.WriteJsonl(validation, 48, ReverseWordsTask.ValidationSeed);
        return DatasetPreparer.Prepare(train, validation, TestTokenizers.ByteLevel,
            new DatasetOptions { Format = DatasetFormat.Instruction, SequenceLength = 128 });
    });

    /// <summary>The reverse-words task: 256 training and 48 validation records, prompts masked from the loss.</summary>
    public static PreparedDataset Data => ReverseWords.Value;

    /// <summary>Pad id of the byte-level tokenizer.</summary>
    public static int PadId => TestTokenizers.ByteLevel.PadId;

    /// <summary>A fresh tiny model of <paramref name="architecture"/> drawn with <paramref name="seed"/>, in fp32 on the CPU.</summary>
    public static ILanguageModel Model(string architecture = "gpt2", long seed = 11)
    {
        manual_seed(seed);
        return ModelRegistry.Create(ModelPresets.Create(architecture, "tiny", TestTokenizers.ByteLevel.VocabularySize, maxPositions: 128));
    }

    /// <summary>Loop options: constant or cosine learning rate, no evaluation or checkpoint unless asked.</summary>
    public static TrainingOptions Options(long steps, double learningRate = 3e-3, int batchSize = 8, int accumulation = 1,
        Precision precision = Precision.Fp32, long? evalEvery = null, long? checkpointEvery = null, long warmup = 0,
        Api.V1Alpha1.LearningRateSchedule schedule = Api.V1Alpha1.LearningRateSchedule.Constant) => new()
    {
        TotalSteps = steps,
        Schedule = new WarmupDecaySchedule(learningRate, steps, warmup, schedule),
        BatchSize = batchSize,
        AccumulationSteps = accumulation,
        Precision = precision,
        WeightDecay = 0.01,
        MaxGradNorm = 1.0,
        Seed = 5,
        EvalEverySteps = evalEvery ?? long.MaxValue,
        CheckpointEverySteps = checkpointEvery ?? long.MaxValue,
    };

    /// <summary>True when both tensors have the same shape and identical values, bit for bit.</summary>
    public static bool Same(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape)) return false;
        using var equal = a.eq(b).all();
        return equal.item<bool>();
    }

    /// <summary>Parameters as detached CPU copies by name.</summary>
    public static Dictionary<string, Tensor> Snapshot(ILanguageModel model)
    {
        var copy = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, parameter) in model.Module.named_parameters())
        {
            var value = parameter.detach().to(ScalarType.Float32).clone();
            value.DetachFromDisposeScope();
            copy[name] = value;
        }
        return copy;
    }
}
