using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Models;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Models;

/// <summary>
/// Forward passes equal the Hugging Face implementations: the fixtures' logits were computed by
/// make_reference.py, which follows transformers' GPT-2, Llama (Mistral, Qwen2) and BERT code step by step in PyTorch.
/// </summary>
public sealed class ReferenceLogitsTests
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    [InlineData("mistral")]
    [InlineData("qwen2")]
    public void Causal_lm_logits_match_the_reference_implementation(string name)
    {
        var reference = ReferenceCase.Load(name);
        var (model, _) = HuggingFaceCheckpoint.Load(reference.Directory);
        using var noGrad = no_grad();
        var lm = Assert.IsAssignableFrom<ICausalLanguageModel>(model);
        using var logits = lm.Forward(reference.Ints("input_ids"), reference.Ints("attention_mask"));
        using var expected = reference.ExpectedLogits();

        Assert.Equal(expected.shape, logits.shape);
        double maxDiff = logits.sub(expected).abs().max().item<float>();
        Assert.True(maxDiff < Tolerance, $"{name}: max |logit difference| {maxDiff:E2} exceeds {Tolerance:E0}");
        // The fixture's logits are far from zero, so a tolerance pass is not a trivial match.
        Assert.True(expected.abs().max().item<float>() > 1.0f);
    }

    [Fact]
    public void Bert_classifier_logits_match_the_reference_implementation()
    {
        var reference = ReferenceCase.Load("bert");
        var (model, report) = HuggingFaceCheckpoint.Load(reference.Directory);
        using var noGrad = no_grad();
        var classifier = Assert.IsAssignableFrom<ISequenceClassifier>(model);
        using var logits = classifier.Forward(reference.Ints("input_ids"), reference.Ints("attention_mask"),
            reference.Ints("token_type_ids"));
        using var expected = reference.ExpectedLogits();

        Assert.Equal(3, classifier.NumLabels);
        Assert.Empty(report.NewlyInitialized);
        Assert.Equal(expected.shape, logits.shape);
        double maxDiff = logits.sub(expected).abs().max().item<float>();
        Assert.True(maxDiff < Tolerance, $"bert: max |logit difference| {maxDiff:E2} exceeds {Tolerance:E0}");
    }
}
