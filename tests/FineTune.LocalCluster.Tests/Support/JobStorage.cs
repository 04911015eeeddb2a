namespace FineTune.LocalCluster.Tests.Support;

/// <summary>
/// Where the end-to-end jobs read the model and data and write their outputs: local paths in the cluster's working
/// directory, or s3:// URIs on the tests' s3rver (with the spec.storage block naming the endpoint and the Secret).
/// </summary>
/// <param name="ModelUri">spec.model.uri.</param>
/// <param name="DataPrefix">Prefix of the dataset files (train.jsonl, val.jsonl).</param>
/// <param name="OutputPrefix">Prefix of each job's spec.output.uri (the job name follows).</param>
/// <param name="StorageBlock">The spec.storage block (YAML under spec), or empty.</param>
public sealed record JobStorage(string ModelUri, string DataPrefix, string OutputPrefix, string StorageBlock)
{
    /// <summary>Name of the Secret holding the s3rver keys.</summary>
    public const string CredentialsSecret = "s3-credentials";

    /// <summary>Local paths, relative to the cluster's working directory.</summary>
    public static JobStorage Local { get; } = new("model", "data/", "runs/", "");

    /// <summary>Buckets <c>models</c>, <c>datasets</c> and <c>runs</c> on the s3rver at <paramref name="endpoint"/>.</summary>
    public static JobStorage S3(string endpoint) => new("s3://models/tiny/", "s3://datasets/reverse-words/", "s3://runs/",
        $"storage: {{endpoint: \"{endpoint}\", credentialsSecret: {CredentialsSecret}}}");
}
