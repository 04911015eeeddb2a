namespace FineTune.Trainer.Storage;

/// <summary>
/// A parsed storage location: <c>s3://bucket/key</c>, <c>file:///abs/path</c> or a plain path. Keys use '/' and
/// never start with one; local paths are absolute. A location ending in '/' names a prefix (a "directory").
/// </summary>
public sealed record StorageUri
{
    private StorageUri(StorageScheme scheme, string bucket, string key)
    {
        Scheme = scheme;
        Bucket = bucket;
        Key = key;
    }

    /// <summary>Where the object lives.</summary>
    public StorageScheme Scheme { get; }

    /// <summary>The S3 bucket; empty for local paths.</summary>
    public string Bucket { get; }

    /// <summary>The S3 object key (no leading '/'), or the absolute local path.</summary>
    public string Key { get; }

    /// <summary>True for an S3 location.</summary>
    public bool IsS3 => Scheme == StorageScheme.S3;

    /// <summary>Parses a URI as written in a FineTuneJob (the same forms the API accepts).</summary>
    /// <exception cref="ArgumentException">The text is empty, has another scheme or an invalid bucket name.</exception>
    public static StorageUri Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
            throw new ArgumentException("storage URI is empty; expected s3://bucket/key, file:///path or a path", nameof(text));

        if (trimmed.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            var rest = trimmed["s3://".Length..];
            var slash = rest.IndexOf('/');
            var bucket = slash < 0 ? rest : rest[..slash];
            var key = slash < 0 ? "" : rest[(slash + 1)..].TrimStart('/');
            if (!IsValidBucket(bucket))
                throw new ArgumentException(
                    $"storage URI '{text}' has bucket '{bucket}'; a bucket is 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit",
                    nameof(text));
            return new StorageUri(StorageScheme.S3, bucket, key);
        }

        if (trimmed.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            var path = Uri.UnescapeDataString(trimmed["file://".Length..]);
            if (path.Length == 0)
                throw new ArgumentException($"storage URI '{text}' has no path; expected file:///absolute/path", nameof(text));
            return Local(path);
        }

        var colon = trimmed.IndexOf("://", StringComparison.Ordinal);
        if (colon > 0)
            throw new ArgumentException(
                $"storage URI '{text}' has scheme '{trimmed[..colon]}'; accepted are s3://bucket/key, file:///path or a path",
                nameof(text));
        return Local(trimmed);
    }

    /// <summary>A local path (made absolute against the working directory), keeping a trailing '/'.</summary>
    public static StorageUri Local(string path)
    {
        var full = Path.GetFullPath(path);
        if (EndsWithSeparator(path) && !EndsWithSeparator(full)) full += "/";
        return new StorageUri(StorageScheme.Local, "", full);
    }

    /// <summary>An S3 location.</summary>
    public static StorageUri S3(string bucket, string key) => Parse($"s3://{bucket}/{key.TrimStart('/')}");

    /// <summary>True when this location names a prefix (ends in '/', or is a bucket root).</summary>
    public bool IsPrefix => Key.Length == 0 || Key.EndsWith('/');

    /// <summary>This location as a prefix (with a trailing '/').</summary>
    public StorageUri AsPrefix() => IsPrefix ? this : new StorageUri(Scheme, Bucket, Key + "/");

    /// <summary>A location below this one; <paramref name="relative"/> uses '/' separators.</summary>
    public StorageUri Append(string relative)
    {
        var tail = relative.Replace('\\', '/').TrimStart('/');
        return new StorageUri(Scheme, Bucket, AsPrefix().Key + tail);
    }

    /// <summary>The part of <paramref name="descendant"/> below this prefix, with '/' separators.</summary>
    public string RelativePathOf(StorageUri descendant)
    {
        var prefix = AsPrefix().Key;
        if (descendant.Scheme != Scheme || descendant.Bucket != Bucket || !descendant.Key.StartsWith(prefix, StringComparison.Ordinal))
            throw new ArgumentException($"'{descendant}' is not below '{this}'", nameof(descendant));
        return descendant.Key[prefix.Length..];
    }

    /// <summary>The last path segment (file name), without a trailing '/'.</summary>
    public string Name
    {
        get
        {
            var trimmed = Key.TrimEnd('/');
            var slash = trimmed.LastIndexOf('/');
            return slash < 0 ? trimmed : trimmed[(slash + 1)..];
        }
    }

    /// <inheritdoc />
    public override string ToString() => IsS3 ? $"s3://{Bucket}/{Key}" : Key;

    private static bool EndsWithSeparator(string path) => path.EndsWith('/') || path.EndsWith(Path.DirectorySeparatorChar);

    private static bool IsValidBucket(string bucket)
    {
        if (bucket.Length is < 3 or > 63) return false;
        if (!char.IsAsciiLetterLower(bucket[0]) && !char.IsAsciiDigit(bucket[0])) return false;
        if (!char.IsAsciiLetterLower(bucket[^1]) && !char.IsAsciiDigit(bucket[^1])) return false;
        return bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-');
    }
}
