using System.CommandLine;

namespace FineTune.LocalCluster.Cli;

/// <summary>Options shared by the commands.</summary>
public static class CommonOptions
{
    /// <summary><c>--command NAME=PROGRAM [ARGS]</c>, repeatable: a container command mapped to a local program.</summary>
    public static Option<string[]> Commands() => new("--command")
    {
        Description = "Map a container command to a local program, e.g. trainer=trainer/FineTune.Trainer.Cli/bin/Release/net10.0/trainer (repeatable)",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Parses the <c>--command</c> values; a program path is made absolute when it exists relative to here.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ParseCommands(string[]? values)
    {
        var map = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var value in values ?? [])
        {
            var split = value.IndexOf('=');
            if (split <= 0 || split == value.Length - 1)
                throw new ArgumentException($"--command '{value}': expected NAME=PROGRAM [ARGS], e.g. trainer=/path/to/trainer");
            var words = value[(split + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
            if (File.Exists(words[0])) words[0] = Path.GetFullPath(words[0]);
            map[value[..split]] = words;
        }
        return map;
    }
}
