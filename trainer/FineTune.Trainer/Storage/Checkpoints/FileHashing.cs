using System.Security.Cryptography;

namespace FineTune.Trainer.Storage.Checkpoints;

/// <summary>SHA-256 of files, read in streaming fashion.</summary>
public static class FileHashing
{
    /// <summary>Lowercase hex SHA-256 of the file's content.</summary>
    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return Convert.ToHexStringLower(hash);
    }
}
