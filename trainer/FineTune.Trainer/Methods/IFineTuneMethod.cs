using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Models;
using FineTune.Trainer.Training;
using static TorchSharp.torch;

namespace FineTune.Trainer.Methods;

/// <summary>
/// One fine-tuning method (full, frozen, lora, ...) as the training loop sees it. A method applies itself to a model
/// (injects modules or freezes parameters), names what trains, may replace the loss, and exports its result. The loop
/// knows nothing else about methods; adding one is a folder, a line in <see cref="MethodRegistry"/> and a row in the
/// shared test table.
/// </summary>
public interface IFineTuneMethod
{
    /// <summary>The spec.method value this method implements ("full", "frozen", ...).</summary>
    string Name { get; }

    /// <summary>
    /// Prepares <paramref name="model"/> for training: injects the method's modules and sets requires_grad so that
    /// exactly <see cref="TrainableParameterNames"/> train. Idempotent: applying twice (for example after the model was
    /// moved to another dtype, which replaces its Parameter objects) leaves the same model as applying once.
    /// </summary>
    void Apply(ILanguageModel model);

    /// <summary>Names (as in named_parameters) of the parameters the optimizer updates, in model order.</summary>
    IReadOnlyList<string> TrainableParameterNames(ILanguageModel model);

    /// <summary>
    /// Virtual tokens the method puts before every sequence (prefix, ptuning-v2, prompt; 0 for the rest). The real
    /// tokens' positions start after them, so the job checks virtual tokens + sequence length against the model's
    /// positions (<see cref="Models.PositionLimit.Message"/>).
    /// </summary>
    int VirtualTokens => 0;

    /// <summary>
    /// The loss for <paramref name="batch"/> when the method needs its own (DPO, reward models, ...); null means the
    /// loop's default loss (next-token cross-entropy, or classification cross-entropy). Called inside the step's
    /// dispose scope; the returned scalar is a mean over the batch's targets.
    /// </summary>
    Tensor? ComputeLoss(ILanguageModel model, TrainingBatch batch) => null;

    /// <summary>Which artifacts <paramref name="requested"/> (spec.output.save, null for the default) means for this method.</summary>
    SaveMode ResolveSave(SaveMode? requested);

    /// <summary>
    /// Writes the trained result into <paramref name="directory"/> (created if needed) in the layout of
    /// <paramref name="kind"/>: <see cref="SaveMode.Merged"/> is a Hugging Face model directory (config.json +
    /// model.safetensors), <see cref="SaveMode.Adapter"/> a PEFT adapter directory. Tokenizer files are copied by the
    /// caller. Throws <see cref="NotSupportedException"/> for a kind the method cannot produce.
    /// </summary>
    void Export(ILanguageModel model, string directory, SaveMode kind);
}
