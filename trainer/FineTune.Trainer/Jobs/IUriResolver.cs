namespace FineTune.Trainer.Jobs;

/// <summary>
/// Turns the URIs of a job (model, tokenizer, datasets) into local paths the trainer reads. The local resolver handles
/// paths and file:// URIs; the storage component plugs in here for s3:// (download into a cache, return the local
/// copy). The field argument names the spec field in errors.
/// </summary>
public interface IUriResolver
{
    /// <summary>A local directory holding the content of <paramref name="uri"/>.</summary>
    string Directory(string uri, string field);

    /// <summary>A local file holding the content of <paramref name="uri"/>.</summary>
    string File(string uri, string field);
}
