using FineTune.Api.Contract;

namespace FineTune.Trainer.Telemetry;

/// <summary>
/// The labels every trainer series carries. A trainer process runs one stage of one job, so the values are fixed for
/// its lifetime and bounded in number; values such as loss never become labels.
/// </summary>
/// <param name="Namespace">Namespace of the FineTuneJob.</param>
/// <param name="Job">Name of the FineTuneJob.</param>
/// <param name="Method">Fine-tuning method (spec.method).</param>
/// <param name="Stage">Stage name (train for single-stage methods).</param>
public sealed record TrainerMetricLabels(string Namespace, string Job, string Method, string Stage)
{
    /// <summary>Labels from the pod environment the operator sets; <paramref name="method"/> comes from the manifest.</summary>
    public static TrainerMetricLabels FromEnvironment(string method, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return new TrainerMetricLabels(
            environment(TrainerEnvironment.JobNamespace) is { Length: > 0 } ns ? ns : "local",
            environment(TrainerEnvironment.JobName) is { Length: > 0 } job ? job : "local",
            method,
            environment(TrainerEnvironment.Stage) is { Length: > 0 } stage ? stage : "train");
    }

    /// <summary>The labels as Prometheus label pairs.</summary>
    public IDictionary<string, string> ToDictionary() => new Dictionary<string, string>
    {
        ["namespace"] = Namespace,
        ["job"] = Job,
        ["method"] = Method,
        ["stage"] = Stage,
    };
}
