using System.Text.Json;
using FineTune.Trainer.Data.Tasks;

namespace FineTune.Trainer.Tests.Rlhf;

/// <summary>
/// Preference and prompt data for the reverse-words task: the chosen answer is the correct reversal (word order), the
/// rejected one the classic misreading of the instruction, the characters reversed ("sun red" → "der nus").
/// </summary>
internal static class ReverseWordsPreferences
{
    public static string Prompt(string input) => $"Reverse: {input} =>";

    public static IEnumerable<(string Prompt, string Chosen, string Rejected)> Pairs(int count, long seed) =>
        ReverseWordsTask.Generate(count, seed)
            .Select(r => (Prompt(r.Input), " " + r.Output, " " + new string(r.Input.Reverse().ToArray())));

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
