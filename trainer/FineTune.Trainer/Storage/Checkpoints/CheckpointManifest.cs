using System.Text.Json;
using System.Text.Json.Serialization;

namespace FineTune.Trainer.Storage.Checkpoints;

/// <summary>
/// The last object written for a checkpoint: which files belong to it, their sizes and SHA-256. A checkpoint without
/// a manifest, or whose files do not match it, is never resumed from.
/// </summary>
public sealed record CheckpointManifest
{
    /// <summary>The manifest format this code writes and reads.</summary>
    public const int CurrentFormat = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Format version.</summary>
    public int Format { get; init; } = CurrentFormat;

    /// <summary>Training step the checkpoint was taken at.</summary>
    public required long Step { get; init; }

    /// <summary>When it was written (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Every file, sorted by path.</summary>
    public required IReadOnlyList<CheckpointFile> Files { get; init; }

    /// <summary>Metrics at save time (e.g. eval_loss), used to keep the best checkpoint.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Total bytes of the files.</summary>
    [JsonIgnore]
    public long TotalBytes => Files.Sum(f => f.Size);

    /// <summary>The manifest as UTF-8 JSON.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads a manifest.</summary>
    /// <exception cref="InvalidDataException">The JSON is malformed, of another format, or lists unsafe paths.</exception>
    public static CheckpointManifest Parse(ReadOnlySpan<byte> json, string source)
    {
        CheckpointManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<CheckpointManifest>(json, Json);
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"checkpoint manifest {source} is not valid JSON: {error.Message}", error);
        }

        if (manifest is null || manifest.Files is null)
            throw new InvalidDataException($"checkpoint manifest {source} is empty or has no 'files'");
        if (manifest.Format != CurrentFormat)
            throw new InvalidDataException($"checkpoint manifest {source} has format {manifest.Format}; this trainer reads format {CurrentFormat}");
        foreach (var file in manifest.Files)
        {
            if (string.IsNullOrEmpty(file.Path) || file.Path.StartsWith('/') || file.Path.Split('/').Contains("..")
                || file.Size < 0 || file.Sha256 is not { Length: 64 })
                throw new InvalidDataException($"checkpoint manifest {source} has an invalid file entry '{file.Path}' (size {file.Size}, sha256 '{file.Sha256}')");
        }

        return manifest;
    }
}
