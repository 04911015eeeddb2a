using System.Globalization;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Jobs;

namespace FineTune.Trainer.Methods.Upft;

/// <summary>
/// What sampling and example building need from spec.upft and spec.hyperparameters, checked against each other.
/// </summary>
public sealed record UpftSettings
{
    /// <summary>Answer tokens trained on in a prefix sample (spec.upft.prefixTokens).</summary>
    public required int PrefixTokens { get; init; }

    /// <summary>Share of samples trained on the whole answer (spec.upft.structureRatio).</summary>
    public required double StructureRatio { get; init; }

    /// <summary>Answers sampled per prompt (spec.upft.samplesPerPrompt).</summary>
    public required int SamplesPerPrompt { get; init; }

    /// <summary>Longest whole answer (spec.upft.maxNewTokens).</summary>
    public required int MaxNewTokens { get; init; }

    /// <summary>Sampling temperature (spec.upft.temperature).</summary>
    public required double Temperature { get; init; }

    /// <summary>Seed of the structure choice and of every sample (spec.hyperparameters.seed).</summary>
    public required long Seed { get; init; }

    /// <summary>Longest training sequence, prompt included (spec.hyperparameters.sequenceLength).</summary>
    public required int SequenceLength { get; init; }

    /// <summary>The settings of <paramref name="spec"/> (method upft).</summary>
    /// <exception cref="JobInputException">spec.upft is missing, or prefixTokens leaves no room for a prompt.</exception>
    public static UpftSettings From(FineTuneJobSpec spec)
    {
        var upft = spec.Upft ?? throw new JobInputException("spec.upft: required for method upft.");
        var h = spec.Hyperparameters;
        if (upft.PrefixTokens >= h.SequenceLength)
            throw new JobInputException(
                $"spec.upft.prefixTokens: {upft.PrefixTokens} does not fit spec.hyperparameters.sequenceLength {h.SequenceLength} " +
                $"(each training sequence holds the prompt and then the prefix); expected at most {h.SequenceLength - 1}, " +
                "and less by the prompts' length.");
        return new UpftSettings
        {
            PrefixTokens = upft.PrefixTokens,
            StructureRatio = upft.StructureRatio,
            SamplesPerPrompt = upft.SamplesPerPrompt,
            MaxNewTokens = upft.MaxNewTokens,
            Temperature = upft.Temperature,
            Seed = h.Seed,
            SequenceLength = h.SequenceLength,
        };
    }

    /// <summary>The settings as one line, part of a sample set's fingerprint.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"prefixTokens={PrefixTokens} structureRatio={StructureRatio:R} samplesPerPrompt={SamplesPerPrompt} maxNewTokens={MaxNewTokens} " +
        $"temperature={Temperature:R} seed={Seed} sequenceLength={SequenceLength}");
}
