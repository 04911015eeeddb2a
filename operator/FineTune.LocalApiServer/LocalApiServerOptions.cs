namespace FineTune.LocalApiServer;

/// <summary>Settings of a <see cref="LocalKubeApiServer"/>.</summary>
public sealed record LocalApiServerOptions
{
    /// <summary>Loopback port to listen on; 0 picks a free one (read it back from <see cref="LocalKubeApiServer.Url"/>).</summary>
    public int Port { get; init; }

    /// <summary>How many changes the watch history keeps; a watch from an older resourceVersion gets 410 Gone.</summary>
    public int WatchHistorySize { get; init; } = 20_000;

    /// <summary>How often an idle watch that asked for bookmarks gets a BOOKMARK event.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a watch without timeoutSeconds stays open.</summary>
    public TimeSpan DefaultWatchTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Clock for timestamps (creation, deletion, Job start and completion); tests can pass a fake one.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Folders or files of CustomResourceDefinition YAML to serve from the start (for example the repository's crds/).
    /// </summary>
    public IReadOnlyList<string> CrdPaths { get; init; } = [];

    /// <summary>Validate and default custom resources against their CRD's openAPIV3Schema (on by default, as in Kubernetes).</summary>
    public bool ValidateCustomResources { get; init; } = true;

    /// <summary>
    /// Check requests that carry a bearer token from <see cref="LocalKubeApiServer.IssueServiceAccountToken"/> against the
    /// stored RBAC objects (403 Forbidden when no rule allows them; 401 for a token the server did not issue). Requests
    /// without a token stay unrestricted (the cluster admin). Off by default.
    /// </summary>
    public bool AuthorizeServiceAccounts { get; init; }
}
