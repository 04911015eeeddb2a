using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Peft;
using FineTune.Trainer.Models;
using FineTune.Trainer.Training;
using static TorchSharp.torch;

namespace FineTune.Trainer.Methods.Qat;

/// <summary>
/// Quantization-aware fine-tuning: every linear layer of the transformer (<see cref="QatTargets"/>) becomes a
/// <see cref="FakeQuantLinear"/>, and every parameter trains through the fake quantizers (full fine-tuning), so the
/// model learns weights that survive the grid it will be stored on. Fake quantization starts once
/// qat.fakeQuantAfterSteps optimizer steps have passed (the loop reports them through <see cref="IStepAwareMethod"/>).
/// After every step the method reports mean |q(w) - w| over the quantized weights as finetune_trainer_quantization_error.
/// The export is always quantized: int8 codes with scales, or fp32 grid values (<see cref="QatCheckpoint"/>); it is a
/// whole model, so output.save must be merged. One instance serves one model.
/// </summary>
public sealed class QatMethod : IFineTuneMethod, IMethodMetricsSource, IStepAwareMethod
{
    private readonly QatSchedule _schedule;

    /// <summary>A method configured by <paramref name="options"/>.</summary>
    public QatMethod(QatOptions options)
    {
        Options = options;
        _schedule = new QatSchedule(options.FakeQuantAfterSteps);
    }

    /// <summary>The options this instance applies.</summary>
    public QatOptions Options { get; }

    /// <inheritdoc />
    public string Name => "qat";

    /// <summary>The weight quantization scheme of qat.weightBits, qat.symmetric and qat.groupSize.</summary>
    public WeightScheme WeightScheme => new(new QuantGrid(Options.WeightBits, Options.Symmetric), Options.GroupSize);

    /// <summary>True while forward passes fake-quantize (qat.fakeQuantAfterSteps steps have passed).</summary>
    public bool FakeQuantizing => _schedule.Active;

    /// <inheritdoc />
    public void Apply(ILanguageModel model)
    {
        ValidateOptions();
        var scheme = WeightScheme;
        ActivationQuantizer? activations = Options.ActivationBits is int bits ? new(new QuantGrid(bits, Symmetric: false)) : null;
        foreach (var (path, weights) in QatTargets.Resolve(model))
        {
            if (ModuleSurgery.Get(model, path) is FakeQuantLinear) continue;
            if (Options.GroupSize > 0 && weights.InFeatures % Options.GroupSize != 0)
                throw new ArgumentException(
                    $"qat.groupSize: {Options.GroupSize} does not divide the {weights.InFeatures} input features of '{path}' in the " +
                    $"{model.Config.ModelType} model; expected 0 (one scale per output channel) or a group size that divides every layer's inputs.");
            ModuleSurgery.Replace(model, path, new FakeQuantLinear(weights, scheme, activations, _schedule));
        }
        ParameterSelection.RequireGradientsOnly(model, TrainableParameterNames(model).ToHashSet(StringComparer.Ordinal));
    }

    /// <inheritdoc />
    public IReadOnlyList<string> TrainableParameterNames(ILanguageModel model) =>
        model.Module.named_parameters().Select(p => p.name).ToArray();

    /// <inheritdoc />
    public void StepsCompleted(long steps) => _schedule.StepsCompleted = steps;

    /// <inheritdoc />
    public MethodStepMetrics? StepMetrics(ILanguageModel model)
    {
        var layers = QatTargets.Layers(model);
        if (layers.Count == 0) return null;
        using var noGrad = no_grad();
        double sum = 0;
        long count = 0;
        foreach (var (_, layer) in layers)
        {
            using var scope = NewDisposeScope();
            var quantized = layer.QuantizedWeightValues();
            sum += quantized.sub(layer.weight.detach().to(ScalarType.Float32)).abs_().to(ScalarType.Float64).sum().item<double>();
            count += layer.weight.numel();
        }
        return new MethodStepMetrics(QuantizationError: sum / count);
    }

    /// <inheritdoc />
    public SaveMode ResolveSave(SaveMode? requested) => MergedExport.ResolveSave(Name, requested);

    /// <inheritdoc />
    public void Export(ILanguageModel model, string directory, SaveMode kind)
    {
        if (kind != SaveMode.Merged) throw MergedExport.NoAdapter(Name);
        if (QatTargets.Layers(model).Count == 0) Apply(model);
        if (Options.Export == QatExport.Int8) QatCheckpoint.WriteInt8(model, directory, WeightScheme, Options.ActivationBits);
        else QatCheckpoint.WriteFakeQuantized(model, directory);
    }

    private void ValidateOptions()
    {
        if (Options.WeightBits is not (4 or 8))
            throw new ArgumentException($"qat.weightBits: {Options.WeightBits}; expected 4 or 8.");
        if (Options.ActivationBits is int bits && bits is not (4 or 8))
            throw new ArgumentException($"qat.activationBits: {bits}; expected 4, 8 or left out (activations in floating point).");
        if (Options.GroupSize < 0)
            throw new ArgumentException($"qat.groupSize: {Options.GroupSize}; expected 0 (per output channel) or 32, 64, 128, 256.");
        if (Options.FakeQuantAfterSteps < 0)
            throw new ArgumentException($"qat.fakeQuantAfterSteps: {Options.FakeQuantAfterSteps}; expected 0 or more.");
    }
}
