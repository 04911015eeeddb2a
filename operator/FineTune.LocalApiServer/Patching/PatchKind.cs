namespace FineTune.LocalApiServer.Patching;

/// <summary>The PATCH body formats the server accepts, chosen by the request's Content-Type.</summary>
public enum PatchKind
{
    /// <summary>RFC 7386 JSON merge patch (<c>application/merge-patch+json</c>).</summary>
    Merge,
    /// <summary>RFC 6902 JSON patch (<c>application/json-patch+json</c>).</summary>
    Json,
    /// <summary>
    /// Strategic merge patch (<c>application/strategic-merge-patch+json</c>), applied here as a plain merge patch:
    /// lists are replaced whole rather than merged by their patch merge key.
    /// </summary>
    StrategicMerge,
}
