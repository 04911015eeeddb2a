namespace FineTune.LocalCluster.Tests.Support;

/// <summary>Paths in the repository the tests run from: the built trainer and the bundled data.</summary>
public static class RepositoryPaths
{
    /// <summary>The repository root (the directory holding FineTune.Operator.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration of the running tests (Debug or Release), read from their output path.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Split(Path.DirectorySeparatorChar).Reverse().Skip(2).First();

    /// <summary>The trainer built next to these tests (the project reference makes sure it is built).</summary>
    public static string Trainer => Path.Combine(Root, "trainer", "FineTune.Trainer.Cli", "bin", Configuration, "net10.0", "trainer");

    /// <summary>The bundled reverse-words instruction task.</summary>
    public static string ReverseWords => Path.Combine(Root, "examples", "data", "reverse-words");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FineTune.Operator.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no FineTune.Operator.sln above {AppContext.BaseDirectory}");
    }
}
