using System.Text.Json;
using FineTune.Trainer.Data.Tasks;

namespace FineTune.Trainer.Tests.Rlhf;

/// <summary>
/// Preference and prompt data for the reverse-words task: the chosen answer is the correct reversal, the rejected one a
/// reversal with a hallucinated word: one word replaced by a word from outside the task's vocabulary
/// ("sun red cat" → "cat jazz sun"), the way examples/data/reverse-words/preferences.jsonl is built.
/// </summary>
internal static class ReverseWordsPreferences
{
    public static string Prompt(string input) => $"Reverse: {input} =>";

    public static IEnumerable<(string Prompt, string Chosen, string Rejected)> Pairs(int count, long seed) =>
        ReverseWordsTask.Generate(count, seed).Select((r, i) => (Prompt(r.Input), " " + r.Output, " " + Hallucinated(r.Output, i)));

    private static readonly string[] Distractors = ["jazz", "pixy", "quiz", "yolk", "vex"];

    private static string Hallucinated(string answer, int index)
    {
        var words = answer.Split(' ');
        words[index % words.Length] = Distractors[index % Distractors.Length];
        return string.Join(' ', words);
    }

    public static void WritePreferences(string path, int count, long seed) =>
        File.WriteAllLines(path, Pairs(count, seed).Select(p => JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["prompt"] = p.Prompt,
            ["chosen"] = p.Chosen,
            ["rejected"] = p.Rejected,
        })));

    public static void WritePrompts(string path, int count, long seed) =>
        File.WriteAllLines(path, ReverseWordsTask.Generate(count, seed).Select(r =>
            JsonSerializer.Serialize(new Dictionary<string, string> { ["prompt"] = Prompt(r.Input) })));
}
