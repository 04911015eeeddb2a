using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Rlhf;
using FineTune.Trainer.Models;
using FineTune.Trainer.Training;
using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Upft;

/// <summary>
/// Unsupervised prefix fine-tuning (Ji et al. 2025, arXiv 2503.02875) as the training loop sees it: the policy method
/// (spec.upft.policyMethod: full, or lora with spec.lora) under the name "upft". What makes the method UPFT is its data
/// (the model's own answers, trained on their first prefixTokens; see <see cref="UpftSampler"/> and <see cref="UpftSample"/>), not its parameters,
/// so applying, naming what trains, the loss and the exports are the policy's. Checkpoints carry the name "upft", so a
/// run never resumes from another method's checkpoint.
/// </summary>
public sealed class UpftMethod(IFineTuneMethod policy) : IFineTuneMethod
{
    /// <summary>The method that trains the weights (full or lora).</summary>
    public IFineTuneMethod Policy { get; } = policy;

    /// <summary>The upft method of <paramref name="spec"/>: its policy method, picked the way rlhf picks its policy.</summary>
    public static UpftMethod For(FineTuneJobSpec spec)
    {
        var options = spec.Upft ?? throw new ArgumentException("spec.upft: required for method upft.");
        return new UpftMethod(RlhfPolicy.Method(options.PolicyMethod, spec.Lora));
    }

    /// <inheritdoc />
    public string Name => "upft";

    /// <inheritdoc />
    public void Apply(ILanguageModel model) => Policy.Apply(model);

    /// <inheritdoc />
    public IReadOnlyList<string> TrainableParameterNames(ILanguageModel model) => Policy.TrainableParameterNames(model);

    /// <inheritdoc />
    public Tensor? ComputeLoss(ILanguageModel model, TrainingBatch batch) => Policy.ComputeLoss(model, batch);

    /// <inheritdoc />
    public SaveMode ResolveSave(SaveMode? requested) =>
        Policy is Full.FullMethod ? MergedExport.ResolveSave(FullPolicyName, requested) : Policy.ResolveSave(requested);

    /// <inheritdoc />
    public void Export(ILanguageModel model, string directory, SaveMode kind)
    {
        if (Policy is Full.FullMethod) MergedExport.Export(FullPolicyName, model, directory, kind);
        else Policy.Export(model, directory, kind);
    }

    // Errors about exports name the method the user wrote, with the policy that decides what can be exported.
    private string FullPolicyName => $"{Name} (policyMethod full)";
}
