namespace FineTune.Operator.Finalizers;

/// <summary>An S3 access key pair read from the job's Secret. Never logged: <see cref="ToString"/> hides both keys.</summary>
/// <param name="AccessKey">The access key id.</param>
/// <param name="SecretKey">The secret key.</param>
public sealed record StorageCredentials(string AccessKey, string SecretKey)
{
    /// <inheritdoc />
    public override string ToString() => "StorageCredentials { (redacted) }";
}
