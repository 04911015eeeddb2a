using FineTune.Api.Contract;
using FineTune.Trainer.Cli.Commands;
using FineTune.Trainer.Storage;

namespace FineTune.Trainer.Cli.Tests.Commands;

public sealed class CommandErrorsTests
{
    private static (int Code, string Errors) Fail(StorageErrorKind kind)
    {
        var errors = new StringWriter();
        var location = StorageUri.S3("models", "base/config.json");
        var code = CommandErrors.Guard(errors, () => throw new StorageException(
            $"storage get of {location} at http://minio:9000, bucket 'models' failed", StorageOperation.Get, "http://minio:9000", location, kind));
        return (code, errors.ToString());
    }

    [Theory]
    [InlineData(StorageErrorKind.AccessDenied, TrainerExitCodes.InvalidInput)]
    [InlineData(StorageErrorKind.MissingBucket, TrainerExitCodes.InvalidInput)]
    [InlineData(StorageErrorKind.NotFound, TrainerExitCodes.InvalidInput)]
    [InlineData(StorageErrorKind.Unavailable, TrainerExitCodes.Failed)]
    public void Storage_errors_exit_retryable_only_when_the_store_was_unreachable(StorageErrorKind kind, int expected)
    {
        var (code, errors) = Fail(kind);

        Assert.Equal(expected, code);
        Assert.Equal("error: storage get of s3://models/base/config.json at http://minio:9000, bucket 'models' failed", errors.Trim());
    }
}
