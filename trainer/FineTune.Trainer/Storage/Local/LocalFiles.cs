namespace FineTune.Trainer.Storage.Local;

/// <summary>Helpers for writing local files so that readers see them complete or not at all.</summary>
public static class LocalFiles
{
    /// <summary>Suffix of files being written; listings skip them.</summary>
    public const string TemporarySuffix = ".partial";

    /// <summary>A unique temporary path in the same directory as <paramref name="path"/> (so a rename is atomic).</summary>
    public static string TemporaryPathBeside(string path)
    {
        var directory = Path.GetDirectoryName(path) ?? ".";
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}{TemporarySuffix}");
    }

    /// <summary>True for a file name made by <see cref="TemporaryPathBeside"/>.</summary>
    public static bool IsTemporary(string fileName) => fileName.StartsWith('.') && fileName.EndsWith(TemporarySuffix, StringComparison.Ordinal);

    /// <summary>Deletes a file if it exists, ignoring errors (cleanup after a failure must not hide the failure).</summary>
    public static void DeleteQuietly(string path)
    {
        try
        {
            if (File.Exists(path)) File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
