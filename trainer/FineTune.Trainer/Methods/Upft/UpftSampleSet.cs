using System.Text.Json;
using System.Text.Json.Serialization;
using FineTune.Trainer.Data;

namespace FineTune.Trainer.Methods.Upft;

/// <summary>
/// The answers sampled once before training (the paper samples once; the model never re-samples while it trains),
/// with the fingerprint of what they were sampled from. Written as JSONL into the run directory and into every
/// checkpoint, so a resumed run trains on exactly the same examples even on other hardware, where re-sampling could
/// pick other tokens. First line: <c>{"fingerprint": ...}</c>; then one sample per line.
/// </summary>
public sealed class UpftSampleSet
{
    /// <summary>Name of the file in the run directory and in checkpoints.</summary>
    public const string FileName = "upft-samples.jsonl";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Creates a set of <paramref name="samples"/> taken under <paramref name="fingerprint"/>.</summary>
    public UpftSampleSet(string fingerprint, IReadOnlyList<UpftSample> samples)
    {
        Fingerprint = fingerprint;
        Samples = samples;
    }

    /// <summary>Hash of the prompts file and the settings that decide the samples (see <see cref="UpftSampler.Fingerprint"/>).</summary>
    public string Fingerprint { get; }

    /// <summary>The samples, prompt by prompt in file order, each prompt's samples in order.</summary>
    public IReadOnlyList<UpftSample> Samples { get; }

    /// <summary>The training examples, in the order of <see cref="Samples"/>.</summary>
    public IReadOnlyList<Example> ToExamples() => Samples.Select(s => s.ToExample()).ToArray();

    /// <summary>Samples that keep their whole answer.</summary>
    public int StructureCount => Samples.Count(s => s.Structure);

    /// <summary>Answer tokens the loss covers, over all samples.</summary>
    public long TrainedTokens => Samples.Sum(s => (long)s.Answer.Length);

    /// <summary>Writes the set to <paramref name="path"/> (through a temporary file, so a crash leaves no half file).</summary>
    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        using (var writer = new StreamWriter(temporary))
        {
            writer.WriteLine(JsonSerializer.Serialize(new Header(Fingerprint), Json));
            foreach (var sample in Samples) writer.WriteLine(JsonSerializer.Serialize(sample, Json));
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads a set written by <see cref="Write"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not such a set (naming the file and line).</exception>
    public static UpftSampleSet Read(string path)
    {
        string? fingerprint = null;
        var samples = new List<UpftSample>();
        long line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            try
            {
                if (fingerprint is null)
                    fingerprint = JsonSerializer.Deserialize<Header>(text, Json)?.Fingerprint ?? throw new JsonException("no fingerprint");
                else
                    samples.Add(JsonSerializer.Deserialize<UpftSample>(text, Json) is { Prompt: not null, Answer: not null } sample
                        ? sample
                        : throw new JsonException("expected a sample with prompt and answer tokens"));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}:{line}: not a upft sample set line ({e.Message}); the file was written by another program.", e);
            }
        }
        if (fingerprint is null) throw new InvalidDataException($"{path}: empty; expected a upft sample set.");
        return new UpftSampleSet(fingerprint, samples);
    }

    private sealed record Header([property: JsonPropertyName("fingerprint")] string Fingerprint);
}
