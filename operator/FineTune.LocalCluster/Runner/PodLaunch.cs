namespace FineTune.LocalCluster.Runner;

/// <summary>
/// Everything needed to run one pod's container as a local process, derived from the pod spec by
/// <see cref="PodLaunchBuilder"/>: paths under the container's mounts already point into <see cref="PodDirectory"/>.
/// </summary>
/// <param name="Namespace">The pod's namespace.</param>
/// <param name="PodName">The pod's name.</param>
/// <param name="PodUid">The pod's uid (a recreated pod with the same name is a different pod).</param>
/// <param name="Container">The container that runs.</param>
/// <param name="FileName">The executable.</param>
/// <param name="Arguments">Its arguments (the rest of the mapped command, then the container's args).</param>
/// <param name="Environment">The complete environment of the process.</param>
/// <param name="WorkingDirectory">Its working directory.</param>
/// <param name="PodDirectory">The pod's own directory (materialized volumes, log).</param>
/// <param name="LogPath">The file stdout and stderr go to, line by line (tail -f works).</param>
/// <param name="MetricsPort">The port given to the process in FINETUNE_METRICS_PORT, or null when the pod sets none.</param>
/// <param name="GracePeriod">Time between SIGTERM and SIGKILL when the pod is deleted.</param>
public sealed record PodLaunch(
    string Namespace,
    string PodName,
    string PodUid,
    string Container,
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    string WorkingDirectory,
    string PodDirectory,
    string LogPath,
    int? MetricsPort,
    TimeSpan GracePeriod)
{
    /// <summary>The command line, for logs (the environment is left out: it may hold secrets).</summary>
    public string CommandLine => string.Join(' ', new[] { FileName }.Concat(Arguments).Select(Quote));

    private static string Quote(string word) => word.Length > 0 && word.All(c => !char.IsWhiteSpace(c) && c is not ('"' or '\'' or '$'))
        ? word
        : "'" + word.Replace("'", "'\\''") + "'";
}
