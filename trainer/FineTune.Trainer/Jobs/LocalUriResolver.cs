namespace FineTune.Trainer.Jobs;

/// <summary>
/// Resolves plain paths (relative ones against <paramref name="baseDirectory"/>, normally the manifest's folder) and
/// file:// URIs. s3:// URIs are refused with a message saying what is missing.
/// </summary>
public sealed class LocalUriResolver(string baseDirectory) : IUriResolver
{
    /// <inheritdoc />
    public string Directory(string uri, string field)
    {
        var path = ToPath(uri, field);
        if (!System.IO.Directory.Exists(path))
            throw new JobInputException($"{field}: '{uri}' is not a directory ({path} does not exist); expected a model directory in Hugging Face layout.");
        return path;
    }

    /// <inheritdoc />
    public string File(string uri, string field)
    {
        var path = ToPath(uri, field);
        if (!System.IO.File.Exists(path))
            throw new JobInputException($"{field}: '{uri}' is not a file ({path} does not exist); expected a JSONL file.");
        return path;
    }

    /// <summary>The local path of <paramref name="uri"/> (which need not exist yet, e.g. an output).</summary>
    public string ToPath(string uri, string field)
    {
        if (uri.StartsWith("s3://", StringComparison.Ordinal))
            throw new JobInputException(
                $"{field}: '{uri}' is an s3:// URI, which this trainer build reads only through the storage component; use a local path or file:// URI.");
        var path = uri.StartsWith("file://", StringComparison.Ordinal) ? new Uri(uri).LocalPath : uri;
        return Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(baseDirectory, path));
    }
}
