using FineTune.Api.V1Alpha1;

namespace FineTune.LocalCluster.Cluster;

/// <summary>
/// Makes the relative paths of a FineTuneJob absolute before it is applied to the local cluster. Applying a manifest
/// loses where its file was (as <c>kubectl apply</c> does), and the trainer in a pod reads a copy mounted elsewhere,
/// so relative paths are taken against the cluster's working directory: <c>.demo/model</c> in a manifest applied from
/// the repository root means <c>&lt;root&gt;/.demo/model</c>. URIs (<c>s3://</c>, <c>file://</c>) and absolute paths stay.
/// </summary>
public static class LocalPaths
{
    /// <summary>Rewrites every relative path in <paramref name="spec"/> against <paramref name="baseDirectory"/>.</summary>
    public static void MakeAbsolute(FineTuneJobSpec spec, string baseDirectory)
    {
        string? Fix(string? uri) => Resolve(uri, baseDirectory);
        spec.Model.Uri = Fix(spec.Model.Uri)!;
        spec.Model.TokenizerUri = Fix(spec.Model.TokenizerUri);
        spec.Output.Uri = Fix(spec.Output.Uri)!;
        foreach (var dataset in new[] { spec.Dataset }.Concat(spec.Rlhf?.Stages.Select(s => s.Dataset) ?? []).OfType<DatasetSpec>())
        {
            dataset.Uri = Fix(dataset.Uri)!;
            dataset.ValidationUri = Fix(dataset.ValidationUri);
        }
        if (spec.Rlhf is { } rlhf) rlhf.RewardModelUri = Fix(rlhf.RewardModelUri);
        if (spec.Upft is { } upft) upft.PromptsUri = Fix(upft.PromptsUri)!;
    }

    /// <summary><paramref name="uri"/> made absolute when it is a relative path (a trailing slash is kept); otherwise unchanged.</summary>
    public static string? Resolve(string? uri, string baseDirectory)
    {
        if (string.IsNullOrEmpty(uri) || uri.Contains("://", StringComparison.Ordinal) || Path.IsPathRooted(uri)) return uri;
        var absolute = Path.GetFullPath(Path.Combine(baseDirectory, uri));
        return uri.EndsWith('/') && !absolute.EndsWith('/') ? absolute + "/" : absolute;
    }
}
