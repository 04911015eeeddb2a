using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Qlora;
using FineTune.Trainer.Tests.Methods.Peft;
using static FineTune.Trainer.Tests.Methods.Peft.PeftTestSupport;

namespace FineTune.Trainer.Tests.Methods.Qlora;

/// <summary>QLoRA specs and methods for the tests.</summary>
internal static class QloraTestSupport
{
    /// <summary>QLoRA options with fp32 compute (exact comparisons) unless changed by <paramref name="configure"/>.</summary>
    public static QloraOptions Options(Action<QloraOptions>? configure = null)
    {
        var options = new QloraOptions { Rank = 4, Dropout = 0, ComputeDtype = Precision.Fp32 };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>A spec selecting qlora with <paramref name="options"/>.</summary>
    public static FineTuneJobSpec Spec(QloraOptions options) => PeftTestSupport.Spec(FineTuneMethod.Qlora, s => s.Qlora = options);

    /// <summary>A fresh tiny model whose target weights hold their 4-bit values: what the quantized base computes.</summary>
    public static Trainer.Models.ICausalLanguageModel RoundedBase(string architecture, QloraOptions options)
    {
        var model = Model(architecture);
        new QloraMethod(options).RoundTargetWeights(model);
        return model;
    }
}
