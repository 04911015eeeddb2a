using FineTune.Api.Contract;
using FineTune.Api.V1Alpha1;

namespace FineTune.Trainer.Storage.S3;

/// <summary>An S3 access key and secret key. <see cref="ToString"/> never shows the secret.</summary>
public sealed class S3Credentials
{
    /// <summary>Creates credentials.</summary>
    public S3Credentials(string accessKey, string secretKey)
    {
        AccessKey = accessKey;
        SecretKey = secretKey;
    }

    /// <summary>The access key id.</summary>
    public string AccessKey { get; }

    /// <summary>The secret key (never logged).</summary>
    public string SecretKey { get; }

    /// <summary>
    /// Finds the credentials for <paramref name="storage"/>: first the environment variables
    /// <see cref="TrainerEnvironment.AccessKey"/> / <see cref="TrainerEnvironment.SecretKey"/>, then files in the
    /// directory named by <see cref="TrainerEnvironment.StorageSecretDirectory"/>. Null when neither is set and the spec names no Secret
    /// (anonymous access).
    /// </summary>
    /// <param name="storage">The job's storage block.</param>
    /// <param name="environment">Reads an environment variable (tests pass their own).</param>
    /// <exception cref="InvalidOperationException">The spec names a Secret but no credentials were found, or only half.</exception>
    public static S3Credentials? Resolve(StorageSpec storage, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var access = environment(TrainerEnvironment.AccessKey);
        var secret = environment(TrainerEnvironment.SecretKey);
        if (!string.IsNullOrEmpty(access) || !string.IsNullOrEmpty(secret))
        {
            if (string.IsNullOrEmpty(access) || string.IsNullOrEmpty(secret))
                throw new InvalidOperationException(
                    $"storage credentials: only one of {TrainerEnvironment.AccessKey} and {TrainerEnvironment.SecretKey} is set; set both");
            return new S3Credentials(access, secret);
        }

        var directory = environment(TrainerEnvironment.StorageSecretDirectory);
        if (!string.IsNullOrEmpty(directory))
        {
            var accessFile = Path.Combine(directory, storage.AccessKeyKey);
            var secretFile = Path.Combine(directory, storage.SecretKeyKey);
            if (!File.Exists(accessFile) || !File.Exists(secretFile))
                throw new InvalidOperationException(
                    $"storage credentials: {TrainerEnvironment.StorageSecretDirectory}={directory} must hold the files '{storage.AccessKeyKey}' and '{storage.SecretKeyKey}' (spec.storage.accessKeyKey / secretKeyKey)");
            return new S3Credentials(File.ReadAllText(accessFile).Trim(), File.ReadAllText(secretFile).Trim());
        }

        if (!string.IsNullOrEmpty(storage.CredentialsSecret))
            throw new InvalidOperationException(
                $"storage credentials: spec.storage.credentialsSecret is '{storage.CredentialsSecret}' but neither {TrainerEnvironment.AccessKey}/{TrainerEnvironment.SecretKey} nor {TrainerEnvironment.StorageSecretDirectory} is set");
        return null;
    }

    /// <inheritdoc />
    public override string ToString() => $"access key {AccessKey}, secret key ***";
}
