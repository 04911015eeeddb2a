using FineTune.Trainer.Data.Batching;
using static TorchSharp.torch;

namespace FineTune.Trainer.Training;

/// <summary>
/// A <see cref="Batch"/> as int64 tensors on the training device. Created inside a step's dispose scope, so its
/// tensors are freed with the step. <see cref="AttentionMask"/> is null when no row is padded (the models then take
/// their faster causal path).
/// </summary>
public sealed class TrainingBatch
{
    private TrainingBatch(Batch source, Tensor inputIds, Tensor? attentionMask, Tensor labels, Tensor? classLabels)
    {
        Source = source;
        InputIds = inputIds;
        AttentionMask = attentionMask;
        Labels = labels;
        ClassLabels = classLabels;
    }

    /// <summary>The arrays the tensors were made from (row lines, prompt lengths, rejected answers).</summary>
    public Batch Source { get; }

    /// <summary>Token ids [batch, seq].</summary>
    public Tensor InputIds { get; }

    /// <summary>1 real / 0 padding [batch, seq], or null when nothing is padded.</summary>
    public Tensor? AttentionMask { get; }

    /// <summary>Targets aligned with the ids [batch, seq]; -100 where there is none.</summary>
    public Tensor Labels { get; }

    /// <summary>Class ids [batch] for classification data.</summary>
    public Tensor? ClassLabels { get; }

    /// <summary>Positions that count in the next-token loss (labels after the shift by one).</summary>
    public long ShiftedTargetCount { get; private init; }

    /// <summary>Moves <paramref name="batch"/> to <paramref name="device"/>.</summary>
    public static TrainingBatch From(Batch batch, Device device)
    {
        long[] shape = [batch.Size, batch.Length];
        var padded = batch.AttentionMask.Any(m => m == 0);
        long targets = 0;
        for (var row = 0; row < batch.Size; row++)
            for (var col = 1; col < batch.Length; col++)
                if (batch.Labels[row * batch.Length + col] != Data.TokenSequence.IgnoreIndex) targets++;
        return new TrainingBatch(
            batch,
            tensor(batch.InputIds, shape, ScalarType.Int64, device),
            padded ? tensor(batch.AttentionMask, shape, ScalarType.Int64, device) : null,
            tensor(batch.Labels, shape, ScalarType.Int64, device),
            batch.ClassLabels is { } classes ? tensor(classes, [batch.Size], ScalarType.Int64, device) : null)
        { ShiftedTargetCount = targets };
    }

    /// <summary>Number of targets the default loss of <paramref name="classification"/> data averages over.</summary>
    public long TargetCount(bool classification) => classification ? Source.Size : ShiftedTargetCount;
}
