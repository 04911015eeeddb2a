using System.Globalization;

namespace FineTune.Trainer.StorageBench;

/// <summary>Command-line options of the storage benchmark.</summary>
/// <param name="Target">Where to write: s3://bucket/prefix/ or a local directory.</param>
/// <param name="Endpoint">S3 endpoint (for s3:// targets); keys come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.</param>
/// <param name="Megabytes">Checkpoint size in MiB.</param>
/// <param name="Repeats">Runs per measurement; the best is reported (least disturbed by other processes).</param>
/// <param name="Parallelism">Files transferred at once, for the checkpoint and for the raw transfers alike.</param>
public sealed record BenchOptions(string Target, string? Endpoint, int Megabytes, int Repeats, int Parallelism)
{
    /// <summary>Usage text.</summary>
    public const string Usage = "usage: storage-bench --target s3://bucket/prefix/|DIR [--endpoint http://host:port] [--megabytes 256] [--repeats 3] [--parallelism 4]";

    /// <summary>Parses the arguments.</summary>
    /// <exception cref="ArgumentException">An unknown option or a bad value, named in the message.</exception>
    public static BenchOptions Parse(string[] args)
    {
        string? target = null, endpoint = null;
        int megabytes = 256, repeats = 3, parallelism = 4;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"option {args[i]} needs a value; {Usage}");
            int Positive(string name)
            {
                var text = Value();
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                    ? n
                    : throw new ArgumentException($"option {name} is '{text}'; expected a positive whole number");
            }

            switch (args[i])
            {
                case "--target": target = Value(); break;
                case "--endpoint": endpoint = Value(); break;
                case "--megabytes": megabytes = Positive("--megabytes"); break;
                case "--repeats": repeats = Positive("--repeats"); break;
                case "--parallelism": parallelism = Positive("--parallelism"); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'; {Usage}");
            }
        }

        if (target is null) throw new ArgumentException($"--target is required; {Usage}");
        if (target.StartsWith("s3://", StringComparison.OrdinalIgnoreCase) && endpoint is null)
            throw new ArgumentException($"--target is '{target}', an s3:// URI, so --endpoint is required; {Usage}");
        return new BenchOptions(target, endpoint, megabytes, repeats, parallelism);
    }
}
