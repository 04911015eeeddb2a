using FineTune.Trainer.Data;
using FineTune.Trainer.Models;
using FineTune.Trainer.Training;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Training;

public sealed class EvaluatorTests
{
    [Fact]
    public void Classification_metrics_match_predictions_made_one_example_at_a_time()
    {
        var classifier = (ISequenceClassifier)TrainingSetup.Model("bert", seed: 21);
        classifier.Module.eval();
        var random = new Random(4);
        var examples = Enumerable.Range(0, 24).Select(i =>
        {
            var ids = Enumerable.Range(0, 3 + random.Next(10)).Select(_ => 1 + random.Next(250)).ToArray();
            return new Example(new TokenSequence(ids, ids.Select(_ => TokenSequence.IgnoreIndex).ToArray()), i + 1, ClassLabel: random.Next(2));
        }).ToList();

        var metrics = Evaluator.Evaluate(classifier, examples, batchSize: 5, padId: 0, CPU);

        // Reference: each example alone (no padding), cross-entropy and arg-max by hand.
        var predictions = new List<int>();
        double lossSum = 0;
        using (no_grad())
        {
            foreach (var example in examples)
            {
                using var scope = NewDisposeScope();
                var logits = classifier.Forward(tensor(example.Sequence.InputIds.Select(i => (long)i).ToArray()).unsqueeze(0))[0];
                var logProbabilities = logits.log_softmax(0).data<float>().ToArray();
                lossSum -= logProbabilities[example.ClassLabel!.Value];
                predictions.Add(logProbabilities[1] > logProbabilities[0] ? 1 : 0);
            }
        }
        var labels = examples.Select(e => e.ClassLabel!.Value).ToList();
        var accuracy = labels.Zip(predictions).Count(p => p.First == p.Second) / (double)labels.Count;
        double F1(int c)
        {
            var tp = labels.Zip(predictions).Count(p => p.First == c && p.Second == c);
            var predicted = predictions.Count(p => p == c);
            var actual = labels.Count(l => l == c);
            return predicted + actual == 0 ? double.NaN : 2.0 * tp / (predicted + actual);
        }
        var f1s = new[] { F1(0), F1(1) }.Where(double.IsFinite).ToArray();

        Assert.Equal(24, metrics.Tokens);
        Assert.Equal(lossSum / 24, metrics.Loss, 4);
        Assert.Equal(Math.Exp(metrics.Loss), metrics.Perplexity, 10);
        Assert.Equal(accuracy, metrics.Accuracy);
        Assert.Equal(f1s.Average(), metrics.MacroF1!.Value, 10);
    }
}
