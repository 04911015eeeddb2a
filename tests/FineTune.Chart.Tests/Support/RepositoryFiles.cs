namespace FineTune.Chart.Tests.Support;

/// <summary>Finds files of the repository (charts/, crds/, operator/) from the test's output directory.</summary>
public static class RepositoryFiles
{
    /// <summary>The folder holding FineTune.Operator.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A path under the repository root.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The chart's folder.</summary>
    public static string Chart => PathOf("charts", "finetune-operator");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FineTune.Operator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"FineTune.Operator.sln not found above {AppContext.BaseDirectory}");
    }
}
