using System.Text.Json;

namespace FineTune.Trainer.Data.Tasks;

/// <summary>
/// A small real task for learning tests and the demo: an instruction dataset whose answer is the input's words in
/// reverse order ("sun red cat" → "cat red sun"). Words come from a 16-word list and inputs have 2 to 4 words, so a
/// tiny model sees every word often, and the task needs attention to earlier positions, not just word statistics.
/// Generated deterministically from a seed. With the byte-level tokenizer preset every record fits 128 tokens.
/// </summary>
public static class ReverseWordsTask
{
    /// <summary>The instruction of every record.</summary>
    public const string Instruction = "Reverse the order of the words.";

    /// <summary>The words inputs are made of.</summary>
    public static IReadOnlyList<string> Words { get; } =
        ["red", "blue", "cat", "dog", "sun", "moon", "tree", "fish", "bird", "star", "rock", "leaf", "rain", "snow", "fire", "wind"];

    /// <summary>Seed of the committed training file (examples/data/reverse-words/train.jsonl).</summary>
    public const long TrainSeed = 1;

    /// <summary>Seed of the committed validation file (examples/data/reverse-words/validation.jsonl).</summary>
    public const long ValidationSeed = 2;

    /// <summary><paramref name="count"/> records generated from <paramref name="seed"/>.</summary>
    public static IEnumerable<(string Input, string Output)> Generate(int count, long seed)
    {
        var random = DeterministicRandom.For(seed, stream: 7);
        for (var i = 0; i < count; i++)
        {
            var words = new string[2 + random.NextInt(3)];
            for (var w = 0; w < words.Length; w++) words[w] = Words[random.NextInt(Words.Count)];
            yield return (string.Join(' ', words), string.Join(' ', words.Reverse()));
        }
    }

    /// <summary>The records as JSONL lines in the instruction format.</summary>
    public static IEnumerable<string> JsonLines(int count, long seed) =>
        Generate(count, seed).Select(r => JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["instruction"] = Instruction,
            ["input"] = r.Input,
            ["output"] = r.Output,
        }));

    /// <summary>Writes <paramref name="count"/> records from <paramref name="seed"/> to <paramref name="path"/>.</summary>
    public static void WriteJsonl(string path, int count, long seed)
    {
        if (Path.GetDirectoryName(path) is { Length: > 0 } directory) Directory.CreateDirectory(directory);
        File.WriteAllLines(path, JsonLines(count, seed));
    }
}
