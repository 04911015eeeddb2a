using FineTune.Api.Contract;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Storage.S3;
using FineTune.Trainer.Tests.Fixtures;

namespace FineTune.Trainer.Tests.Storage.S3;

public sealed class S3CredentialsTests
{
    private static StorageSpec Spec(string? secret = "minio-credentials") => new() { Endpoint = "http://minio:9000", CredentialsSecret = secret };

    [Fact]
    public void Environment_variables_come_first()
    {
        var environment = new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = "ak", ["AWS_SECRET_ACCESS_KEY"] = "sk-value" };

        var credentials = S3Credentials.Resolve(Spec(), environment.GetValueOrDefault);

        Assert.Equal("ak", credentials!.AccessKey);
        Assert.Equal("sk-value", credentials.SecretKey);
        Assert.DoesNotContain("sk-value", credentials.ToString());
    }

    [Fact]
    public void Files_mounted_from_the_secret_are_read_with_the_spec_key_names()
    {
        using var temp = new TemporaryDirectory();
        File.WriteAllText(temp.Combine("user"), "ak-file\n");
        File.WriteAllText(temp.Combine("password"), "sk-file\n");
        var spec = Spec();
        spec.AccessKeyKey = "user";
        spec.SecretKeyKey = "password";
        var environment = new Dictionary<string, string?> { [TrainerEnvironment.StorageSecretDirectory] = temp.Path };

        var credentials = S3Credentials.Resolve(spec, environment.GetValueOrDefault);

        Assert.Equal("ak-file", credentials!.AccessKey);
        Assert.Equal("sk-file", credentials.SecretKey);
    }

    [Fact]
    public void A_named_secret_without_credentials_is_an_error_naming_where_they_are_looked_for()
    {
        var error = Assert.Throws<InvalidOperationException>(() => S3Credentials.Resolve(Spec(), _ => null));

        Assert.Contains("minio-credentials", error.Message);
        Assert.Contains("AWS_ACCESS_KEY_ID", error.Message);
        Assert.Null(S3Credentials.Resolve(Spec(secret: null), _ => null));
    }

    [Fact]
    public void Half_set_environment_is_an_error()
    {
        var environment = new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = "ak" };

        var error = Assert.Throws<InvalidOperationException>(() => S3Credentials.Resolve(Spec(), environment.GetValueOrDefault));

        Assert.Contains("AWS_SECRET_ACCESS_KEY", error.Message);
    }

    [Fact]
    public void Options_from_a_spec_take_tls_from_the_endpoint_and_reject_other_schemes()
    {
        var environment = new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = "ak", ["AWS_SECRET_ACCESS_KEY"] = "sk" };
        var options = S3StoreOptions.FromSpec(new StorageSpec { Endpoint = "https://s3.example:9443", Region = "eu-west-1" }, environment.GetValueOrDefault);

        Assert.Equal("https", options.Endpoint.Scheme);
        Assert.Equal(9443, options.Endpoint.Port);
        Assert.Equal("eu-west-1", options.Region);
        var error = Assert.Throws<ArgumentException>(() => S3StoreOptions.FromSpec(new StorageSpec { Endpoint = "ftp://x" }, environment.GetValueOrDefault));
        Assert.Contains("spec.storage.endpoint", error.Message);
    }
}
