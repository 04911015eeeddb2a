using FineTune.Trainer.Data;
using FineTune.Trainer.Data.Batching;
using FineTune.Trainer.Models;
using static TorchSharp.torch;

namespace FineTune.Trainer.Training;

/// <summary>Computes <see cref="EvaluationMetrics"/> of a model on a set of examples, without gradients.</summary>
public static class Evaluator
{
    /// <summary>Evaluates <paramref name="model"/> on <paramref name="examples"/> in batches of <paramref name="batchSize"/>.</summary>
    public static EvaluationMetrics Evaluate(ILanguageModel model, IReadOnlyList<Example> examples, int batchSize, int padId, Device device)
    {
        if (examples.Count == 0) throw new ArgumentException("there are no examples to evaluate");
        var wasTraining = model.Module.training;
        model.Module.eval();
        using var noGrad = no_grad();
        double lossSum = 0;
        long targets = 0;
        var classifier = model as ISequenceClassifier;
        var confusion = classifier is null ? null : new long[classifier.NumLabels, classifier.NumLabels];
        try
        {
            for (var start = 0; start < examples.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var rows = examples.Skip(start).Take(batchSize).ToList();
                var batch = TrainingBatch.From(BatchCollator.Collate(rows, padId), device);
                var (loss, logits) = LossFunctions.Sum(model, batch);
                lossSum += loss.item<float>();
                targets += batch.TargetCount(classifier is not null);
                if (confusion is not null)
                {
                    var predicted = logits.argmax(-1).cpu().data<long>().ToArray();
                    var actual = batch.Source.ClassLabels!;
                    for (var i = 0; i < predicted.Length; i++) confusion[actual[i], predicted[i]]++;
                }
            }
        }
        finally
        {
            if (wasTraining) model.Module.train();
        }

        var mean = targets == 0 ? double.NaN : lossSum / targets;
        return new EvaluationMetrics
        {
            Loss = mean,
            Perplexity = Math.Exp(mean),
            Tokens = targets,
            Examples = examples.Count,
            Accuracy = confusion is null ? null : Accuracy(confusion),
            MacroF1 = confusion is null ? null : MacroF1(confusion),
        };
    }

    private static double Accuracy(long[,] confusion)
    {
        long correct = 0, total = 0;
        for (var i = 0; i < confusion.GetLength(0); i++)
            for (var j = 0; j < confusion.GetLength(1); j++)
            {
                total += confusion[i, j];
                if (i == j) correct += confusion[i, j];
            }
        return total == 0 ? 0 : (double)correct / total;
    }

    // Macro F1 over the classes that occur as a label or a prediction (scikit-learn's default labels).
    private static double MacroF1(long[,] confusion)
    {
        var classes = confusion.GetLength(0);
        var scores = new List<double>();
        for (var c = 0; c < classes; c++)
        {
            long truePositive = confusion[c, c], predicted = 0, actual = 0;
            for (var k = 0; k < classes; k++)
            {
                predicted += confusion[k, c];
                actual += confusion[c, k];
            }
            if (predicted == 0 && actual == 0) continue;
            scores.Add(2.0 * truePositive / (predicted + actual));
        }
        return scores.Count == 0 ? 0 : scores.Average();
    }
}
