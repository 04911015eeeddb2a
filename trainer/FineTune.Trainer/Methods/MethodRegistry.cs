using FineTune.Api.Schema;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Adapter;
using FineTune.Trainer.Methods.Frozen;
using FineTune.Trainer.Methods.Full;
using FineTune.Trainer.Methods.Lora;
using FineTune.Trainer.Methods.Prefix;
using FineTune.Trainer.Methods.Prompt;
using FineTune.Trainer.Methods.Qlora;
using FineTune.Trainer.Tokenization;

namespace FineTune.Trainer.Methods;

/// <summary>
/// Maps spec.method to the implementation, built from the job spec (its option block) and the model's tokenizer (for
/// methods that start from text, such as prompt tuning's initText). Adding a method is one line.
/// </summary>
public static class MethodRegistry
{
    private static readonly Dictionary<FineTuneMethod, Func<FineTuneJobSpec, ITextTokenizer?, IFineTuneMethod>> Factories = new()
    {
        [FineTuneMethod.Full] = (_, _) => new FullMethod(),
        [FineTuneMethod.Frozen] = (spec, _) => new FrozenMethod(spec.Frozen ?? new FrozenOptions()),
        [FineTuneMethod.Lora] = (spec, _) => new LoraMethod(spec.Lora ?? new LoraOptions()),
        [FineTuneMethod.Adapter] = (spec, _) => new AdapterMethod(spec.Adapter ?? new AdapterOptions()),
        [FineTuneMethod.Prefix] = (spec, tokenizer) => spec.Prefix is { Variant: PrefixVariant.Prompt } prompt
            ? new PromptMethod(prompt, tokenizer)
            : new PrefixMethod(spec.Prefix ?? new PrefixOptions()),
        [FineTuneMethod.Rlhf] = (spec, _) => Rlhf.RlhfPolicy.Method(spec),
        [FineTuneMethod.Qlora] = (spec, _) => new QloraMethod(spec.Qlora ?? new QloraOptions()),
        [FineTuneMethod.Qat] = (spec, _) => new Qat.QatMethod(spec.Qat ?? new QatOptions()),
        [FineTuneMethod.Upft] = (spec, _) => Upft.UpftMethod.For(spec),
    };

    /// <summary>The methods this trainer build can run, by their spec names.</summary>
    public static IReadOnlyList<string> Supported =>
        Factories.Keys.Select(m => JsonNames.OfEnumValue(m)).Order(StringComparer.Ordinal).ToArray();

    /// <summary>True when <paramref name="method"/> has an implementation.</summary>
    public static bool IsSupported(FineTuneMethod method) => Factories.ContainsKey(method);

    /// <summary>
    /// The implementation of <paramref name="spec"/>.method configured by its option block; <paramref name="tokenizer"/>
    /// is the model's (needed only by prefix.initText).
    /// </summary>
    /// <exception cref="NotSupportedException">The method has no implementation in this build.</exception>
    public static IFineTuneMethod Create(FineTuneJobSpec spec, ITextTokenizer? tokenizer = null)
    {
        if (!Factories.TryGetValue(spec.Method, out var factory))
            throw new NotSupportedException(
                $"spec.method: '{JsonNames.OfEnumValue(spec.Method)}' is not implemented by this trainer; supported: {string.Join(", ", Supported)}.");
        return factory(spec, tokenizer);
    }
}
