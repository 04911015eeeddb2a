using System.Text.RegularExpressions;
using FineTune.Api.V1Alpha1;
using FineTune.Operator.Builders;

namespace FineTune.Operator.Finalizers;

/// <summary>
/// The storage prefix one run wrote to: <c>&lt;output.uri&gt;/&lt;runId&gt;/</c>, as an S3 bucket and key prefix or
/// a local directory.
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="Uri">The prefix as written in status and events.</param>
/// <param name="Bucket">The S3 bucket; null for a local path.</param>
/// <param name="Key">The S3 key prefix (ends with '/') or the full local directory path.</param>
public sealed partial record RunOutputPrefix(string RunId, string Uri, string? Bucket, string Key)
{
    /// <summary>True for s3:// outputs.</summary>
    public bool IsS3 => Bucket is not null;

    /// <summary>
    /// The prefixes of every run of <paramref name="job"/>: the current one and those in status.history. Run ids come
    /// from status, which the trainer may write too, so only ids of the operator's own form are accepted: a crafted
    /// id such as "../x" must never widen what is deleted.
    /// </summary>
    public static IReadOnlyList<RunOutputPrefix> For(FineTuneJob job)
    {
        var runs = (job.Status?.History ?? []).Select(r => r.RunId).Prepend(job.Status?.RunId).OfType<string>().Distinct();
        var prefixes = new List<RunOutputPrefix>();
        foreach (var runId in runs)
        {
            if (!RunIdForm().IsMatch(runId))
                throw new OutputCleanupException(
                    $"status run id \"{runId}\" is not of the form yyyyMMddtHHmmss-g<generation>; nothing was deleted");
            prefixes.Add(Of(job.Spec, runId));
        }
        return prefixes;
    }

    /// <summary>The prefix of run <paramref name="runId"/> under <paramref name="spec"/>'s output URI.</summary>
    public static RunOutputPrefix Of(FineTuneJobSpec spec, string runId)
    {
        var uri = OutputLayout.RunPrefix(spec, runId);
        if (uri.StartsWith("s3://", StringComparison.Ordinal))
        {
            var rest = uri["s3://".Length..];
            var slash = rest.IndexOf('/');
            return new RunOutputPrefix(runId, uri, rest[..slash], rest[(slash + 1)..].TrimStart('/'));
        }
        var path = uri.StartsWith("file://", StringComparison.Ordinal) ? new Uri(uri).LocalPath : uri;
        return new RunOutputPrefix(runId, uri, null, Path.GetFullPath(path));
    }

    [GeneratedRegex(@"^[0-9]{8}t[0-9]{6}-g[0-9]+$")]
    private static partial Regex RunIdForm();
}
