using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FineTune.Trainer.Data;
using FineTune.Trainer.Models;
using FineTune.Trainer.Models.Generation;

namespace FineTune.Trainer.Methods.Upft;

/// <summary>
/// Samples the model's own answers to the prompts, once, before training (the model as loaded: for lora the adapter is
/// still zero, so both policies sample from the base). Each of the samplesPerPrompt answers of a prompt is drawn with
/// the key/value-cache generator at spec.upft.temperature from a seed of its own (from the run seed and the sample's
/// index), so the set is the same for the same seed whatever order or batch the samples are taken in. A prefix sample
/// generates only prefixTokens tokens (the first tokens of an answer do not depend on how long it would run, so this is
/// the same prefix a full answer starts with, at a fraction of the cost); a structure sample generates up to
/// maxNewTokens, cut where the sequence length ends. Generation stops at the stop token (kept, so that whole answers
/// teach the model to stop).
/// </summary>
public static class UpftSampler
{
    // Seeds of samples come from a stream of their own, away from shuffling and the structure choice.
    private const long SampleStream = 0x55_50_46_54_00_00_00L; // "UPFT" << 24

    /// <summary>The generation seed of the sample at <paramref name="index"/> (prompt × samplesPerPrompt + sample).</summary>
    public static long SampleSeed(long seed, int index) =>
        unchecked((long)(DeterministicRandom.For(seed, SampleStream + index).NextUInt64() >> 1));

    /// <summary>Samples the answers to <paramref name="prompts"/> from <paramref name="model"/>.</summary>
    /// <param name="model">The model being trained, before any training.</param>
    /// <param name="prompts">Encoded prompts (<see cref="UpftPrompts.Read"/>).</param>
    /// <param name="settings">Prefix length, structure ratio, samples per prompt, temperature, seed, sequence length.</param>
    /// <param name="stopTokenId">The token that ends an answer, or null.</param>
    /// <param name="fingerprint">What the samples are taken from (<see cref="Fingerprint"/>).</param>
    /// <param name="log">Receives a progress line now and then.</param>
    public static UpftSampleSet Sample(ICausalLanguageModel model, IReadOnlyList<Example> prompts, UpftSettings settings, long? stopTokenId,
        string fingerprint, Action<string>? log = null)
    {
        var total = prompts.Count * settings.SamplesPerPrompt;
        var structure = StructureShare.Choose(total, settings.StructureRatio, settings.Seed);
        var samples = new List<UpftSample>(total);
        var clock = Stopwatch.StartNew();
        var reported = TimeSpan.Zero;
        for (var p = 0; p < prompts.Count; p++)
        {
            var prompt = prompts[p].Sequence.InputIds;
            var promptIds = prompt.Select(id => (long)id).ToArray();
            var room = settings.SequenceLength - prompt.Length;
            for (var s = 0; s < settings.SamplesPerPrompt; s++)
            {
                var index = p * settings.SamplesPerPrompt + s;
                var length = Math.Min(room, structure[index] ? settings.MaxNewTokens : settings.PrefixTokens);
                var answer = TextGenerator.Generate(model, promptIds, new GenerationOptions
                {
                    MaxNewTokens = length,
                    Temperature = settings.Temperature,
                    Seed = SampleSeed(settings.Seed, index),
                    EosTokenId = stopTokenId,
                    UseCache = true,
                });
                samples.Add(new UpftSample(prompts[p].Line, s, structure[index], prompt, answer.Select(id => (int)id).ToArray()));
            }
            if (log is not null && clock.Elapsed - reported >= TimeSpan.FromSeconds(30))
            {
                reported = clock.Elapsed;
                log(string.Create(CultureInfo.InvariantCulture, $"upft sampling: {p + 1}/{prompts.Count} prompts in {clock.Elapsed.TotalSeconds:F0} s"));
            }
        }
        return new UpftSampleSet(fingerprint, samples);
    }

    /// <summary>
    /// SHA-256 over the prompts file's bytes, the settings and how prompts are framed (template, stop token): equal
    /// fingerprints mean sampling again from the same model would draw the same set.
    /// </summary>
    public static string Fingerprint(string promptsPath, UpftSettings settings, UpftPromptEncoder encoder)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var file = File.OpenRead(promptsPath))
            hash.AppendData(SHA256.HashData(file));
        hash.AppendData(Encoding.UTF8.GetBytes(
            $"{settings.Describe()} template={encoder.Template?.ToString() ?? "none"} stop={encoder.StopTokenId()?.ToString(CultureInfo.InvariantCulture) ?? "none"}"));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
