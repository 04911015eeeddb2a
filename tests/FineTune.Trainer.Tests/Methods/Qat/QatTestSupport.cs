using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Qat;
using FineTune.Trainer.Models;
using FineTune.Trainer.Tests.Methods.Peft;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Methods.Qat;

/// <summary>QAT methods from options, and the reference model QAT should compute: the base with q(w) in its weights.</summary>
internal static class QatTestSupport
{
    public static QatMethod Method(int bits = 8, bool symmetric = true, int groupSize = 0, long after = 0, int? activationBits = null,
        QatExport export = QatExport.Int8) =>
        new(new QatOptions
        {
            WeightBits = bits, Symmetric = symmetric, GroupSize = groupSize, FakeQuantAfterSteps = after, ActivationBits = activationBits,
            Export = export,
        });

    /// <summary>
    /// A plain copy of <paramref name="architecture"/>'s tiny model with the weights of <paramref name="trained"/>, its
    /// quantized layers replaced by their grid values.
    /// </summary>
    public static ICausalLanguageModel WithQuantizedWeights(string architecture, ILanguageModel trained)
    {
        var plain = PeftTestSupport.Model(architecture, seed: 99);
        var source = trained.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var layers = QatTargets.Layers(trained).ToDictionary(l => l.Path + ".weight", l => l.Layer);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in plain.Module.named_parameters())
        {
            using var value = layers.TryGetValue(name, out var layer) ? layer.QuantizedWeightValues() : source[name].detach().clone();
            parameter.copy_(value);
        }
        return plain;
    }

    /// <summary>Same shape and the same values bit for bit.</summary>
    public static bool Identical(this Tensor a, Tensor b) => Training.TrainingSetup.Same(a, b);
}
