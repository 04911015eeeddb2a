using System.Net;
using System.Net.Sockets;
using FineTune.Trainer.Storage.Resilience;
using Minio.Exceptions;

namespace FineTune.Trainer.Storage.S3;

/// <summary>
/// Decides which S3 errors are worth retrying: connection failures, timeouts, 5xx and short reads are; access denied,
/// missing buckets and missing objects are not. Descriptions pass through the redactor so no credential leaks.
/// </summary>
public sealed class S3ErrorClassifier
{
    private readonly SecretRedactor _redactor;

    /// <summary>Creates the classifier; <paramref name="redactor"/> removes credentials from descriptions.</summary>
    public S3ErrorClassifier(SecretRedactor redactor) => _redactor = redactor;

    /// <summary>Classifies <paramref name="error"/> (looking through wrapped exceptions).</summary>
    public StorageFailure Classify(Exception error)
    {
        var (kind, detail) = KindOf(error);
        return new StorageFailure(kind, _redactor.Redact(detail));
    }

    private static (StorageErrorKind Kind, string Detail) KindOf(Exception error)
    {
        switch (error)
        {
            case AccessDeniedException or AuthorizationException or ForbiddenException:
                return (StorageErrorKind.AccessDenied, Describe(error));
            case BucketNotFoundException:
                return (StorageErrorKind.MissingBucket, Describe(error));
            case ObjectNotFoundException:
                return (StorageErrorKind.NotFound, Describe(error));
            case InvalidBucketNameException or InvalidObjectNameException or InvalidObjectPrefixException
                or InvalidContentLengthException or EntityTooLargeException or PreconditionFailedException:
                return (StorageErrorKind.Rejected, Describe(error));
            case ConnectionException or InternalServerException or UnexpectedShortReadException:
                return (StorageErrorKind.Unavailable, Describe(error));
            case MinioException minio when minio.Response?.Code is { } code:
                return (KindOfCode(code, minio.ServerResponse?.StatusCode), Describe(error));
            case MinioException minio when minio.ServerResponse is { } response && (int)response.StatusCode != 0:
                return (KindOfStatus(response.StatusCode), Describe(error));
            case HttpRequestException http when http.StatusCode is { } status:
                return (KindOfStatus(status), Describe(error));
            case HttpRequestException or SocketException or IOException or TimeoutException or TaskCanceledException:
                return (StorageErrorKind.Unavailable, Describe(error));
        }

        // Wrapped errors (the SDK wraps HttpClient failures): classify the innermost one that says something.
        if (error.InnerException is { } inner)
        {
            var (kind, detail) = KindOf(inner);
            return (kind, $"{Describe(error)} <- {detail}");
        }

        if (error is AggregateException { InnerExceptions.Count: > 0 } aggregate)
            return KindOf(aggregate.InnerExceptions[0]);

        // The SDK reports a refused or reset connection through plain messages in some paths.
        var text = error.Message;
        if (text.Contains("Connection refused", StringComparison.OrdinalIgnoreCase)
            || text.Contains("connection", StringComparison.OrdinalIgnoreCase) && text.Contains("reset", StringComparison.OrdinalIgnoreCase))
            return (StorageErrorKind.Unavailable, Describe(error));
        return (StorageErrorKind.Rejected, Describe(error));
    }

    private static StorageErrorKind KindOfCode(string code, HttpStatusCode? status) => code switch
    {
        "AccessDenied" or "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "AllAccessDisabled" => StorageErrorKind.AccessDenied,
        "NoSuchBucket" => StorageErrorKind.MissingBucket,
        "NoSuchKey" or "NoSuchObject" => StorageErrorKind.NotFound,
        "InternalError" or "ServiceUnavailable" or "SlowDown" or "RequestTimeout" or "XMinioServerNotInitialized" => StorageErrorKind.Unavailable,
        _ => status is { } s ? KindOfStatus(s) : StorageErrorKind.Rejected,
    };

    private static StorageErrorKind KindOfStatus(HttpStatusCode status) => (int)status switch
    {
        401 or 403 => StorageErrorKind.AccessDenied,
        404 => StorageErrorKind.NotFound,
        408 or 429 => StorageErrorKind.Unavailable,
        >= 500 => StorageErrorKind.Unavailable,
        _ => StorageErrorKind.Rejected,
    };

    private static string Describe(Exception error)
    {
        var code = error is MinioException { Response.Code: { Length: > 0 } c } ? $" [{c}]" : "";
        var message = error.Message.ReplaceLineEndings(" ").Trim();
        if (message.Length > 300) message = message[..300] + "...";
        return $"{error.GetType().Name}{code}: {message}";
    }
}
