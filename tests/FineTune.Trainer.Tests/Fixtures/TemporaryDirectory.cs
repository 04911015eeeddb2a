namespace FineTune.Trainer.Tests.Fixtures;

/// <summary>A directory deleted when the test ends.</summary>
public sealed class TemporaryDirectory : IDisposable
{
    /// <summary>Creates an empty directory.</summary>
    public TemporaryDirectory() => Path = Directory.CreateTempSubdirectory("finetune-test-").FullName;

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>A path inside the directory.</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Writes <paramref name="size"/> pseudo-random bytes (seeded) to a file inside the directory.</summary>
    public string WriteRandomFile(string relative, long size, int seed)
    {
        var path = Combine(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var random = new Random(seed);
        var buffer = new byte[1 << 20];
        using var file = File.Create(path);
        for (long written = 0; written < size; written += buffer.Length)
        {
            random.NextBytes(buffer);
            file.Write(buffer, 0, (int)Math.Min(buffer.Length, size - written));
        }

        return path;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
