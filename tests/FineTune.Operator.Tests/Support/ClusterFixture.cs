using FineTune.Api.V1Alpha1;
using FineTune.LocalApiServer;
using k8s;
using k8s.Models;

namespace FineTune.Operator.Tests.Support;

/// <summary>
/// A fresh in-process API server per test with the generated FineTuneJob CRD, a real KubernetesClient on it, and
/// helpers that play the Job controller (moving Jobs through running, succeeded and failed) and wait with timeouts.
/// </summary>
public abstract class ClusterFixture : IAsyncLifetime
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    protected const string Ns = "ml";

    protected LocalKubeApiServer Server { get; private set; } = null!;
    protected Kubernetes Client { get; private set; } = null!;
    private readonly List<OperatorProcess> operators = [];

    public virtual async Task InitializeAsync()
    {
        Server = await LocalKubeApiServer.StartAsync(new LocalApiServerOptions
        {
            CrdPaths = [Path.Combine(AppContext.BaseDirectory, "Crds")],
            BookmarkInterval = TimeSpan.FromSeconds(1),
        });
        Client = Server.CreateClient();
        Server.Objects.Create(new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = Ns } });
        Server.Objects.Create(new V1Secret
        {
            ApiVersion = "v1", Kind = "Secret",
            Metadata = new V1ObjectMeta { Name = "minio-credentials", NamespaceProperty = Ns },
            StringData = new Dictionary<string, string> { ["accessKey"] = "a", ["secretKey"] = "b" },
        });
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var op in operators)
            await op.DisposeAsync();
        Client.Dispose();
        await Server.DisposeAsync();
    }

    protected async Task<OperatorProcess> StartOperatorAsync(Action<Configuration.OperatorOptions>? configure = null)
    {
        var op = await OperatorProcess.StartAsync(Server.Url, configure);
        operators.Add(op);
        return op;
    }

    protected async Task StopOperatorAsync(OperatorProcess op)
    {
        operators.Remove(op);
        await op.DisposeAsync();
    }

    protected async Task CreateAsync(FineTuneJob job)
    {
        job.Metadata = new V1ObjectMeta { Name = job.Metadata.Name, NamespaceProperty = Ns };
        job.Status = null;
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(job, FineTuneJobApi.Group, FineTuneJobApi.Version, Ns, FineTuneJobApi.Plural);
    }

    // FineTuneJob carries no [KubernetesEntity] attribute, so it is read as JSON by apiVersion and kind.
    protected FineTuneJob? Get(string name)
        => Server.Objects.GetJson(FineTuneJobApi.ApiVersion, FineTuneJobApi.Kind, Ns, name) is { } json
            ? KubernetesJson.Deserialize<FineTuneJob>(json.ToJsonString())
            : null;

    protected IReadOnlyList<V1Job> TrainingJobs(string name) => Server.Objects.List<V1Job>(Ns, $"finetune.dev/job={name}");

    /// <summary>A spec edit through the API (kubectl apply), retried on 409 when the operator wrote in between.</summary>
    protected async Task EditAsync(string name, Action<FineTuneJobSpec> change)
    {
        for (var attempt = 0; ; attempt++)
        {
            var job = Get(name)!;
            change(job.Spec);
            try
            {
                await Client.CustomObjects.ReplaceNamespacedCustomObjectAsync(job, FineTuneJobApi.Group, FineTuneJobApi.Version, Ns, FineTuneJobApi.Plural, name);
                return;
            }
            catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.Conflict && attempt < 20)
            {
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, re-checking on a short interval, failing after <see cref="Patience"/>.</summary>
    protected static async Task<T> Eventually<T>(Func<T?> probe, Func<T, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        T? last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = probe();
            if (last is not null && condition(last))
                return last;
            await Task.Delay(25);
        }
        throw new TimeoutException($"timed out after {Patience.TotalSeconds}s waiting for {what}; last seen: {(last is null ? "nothing" : k8s.KubernetesJson.Serialize(last))}");
    }

    protected Task<FineTuneJob> WaitForPhase(string name, JobPhase phase)
        => Eventually(() => Get(name), j => j.Status?.Phase == phase, $"{name} to reach phase {phase}");

    protected Task<V1Job> WaitForTrainingJob(string name, string stage, int iteration = 1)
        => Eventually(() => TrainingJobs(name).FirstOrDefault(j => j.Metadata.Labels["finetune.dev/stage"] == stage
            && j.Metadata.Labels["finetune.dev/iteration"] == iteration.ToString()), _ => true, $"the {stage} Job of {name}");

    // The Job controller's part, played by the test.
    protected void MarkRunning(V1Job job, int failed = 0)
        => Server.Objects.Update<V1Job>(Ns, job.Metadata.Name, j => j.Status = new V1JobStatus { Active = 1, Failed = failed, StartTime = DateTime.UtcNow });

    /// <summary>The Job controller's answer to spec.suspend: the pod is gone.</summary>
    protected void MarkSuspended(V1Job job)
        => Server.Objects.Update<V1Job>(Ns, job.Metadata.Name, j => j.Status = new V1JobStatus { Active = 0, Failed = j.Status?.Failed });

    protected void MarkSucceeded(V1Job job)
        => Server.Objects.Update<V1Job>(Ns, job.Metadata.Name, j => j.Status = new V1JobStatus
        {
            Succeeded = 1, Failed = j.Status?.Failed, CompletionTime = DateTime.UtcNow,
            Conditions = [new V1JobCondition { Type = "Complete", Status = "True" }],
        });

    protected void MarkFailed(V1Job job, string reason, string message, int failed)
        => Server.Objects.Update<V1Job>(Ns, job.Metadata.Name, j => j.Status = new V1JobStatus
        {
            Failed = failed,
            Conditions = [new V1JobCondition { Type = "Failed", Status = "True", Reason = reason, Message = message, LastTransitionTime = DateTime.UtcNow }],
        });
}
