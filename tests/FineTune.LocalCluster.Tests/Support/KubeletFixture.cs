using FineTune.LocalApiServer;
using FineTune.LocalApiServer.Workloads;
using FineTune.LocalCluster.Runner;
using k8s;
using k8s.Models;

namespace FineTune.LocalCluster.Tests.Support;

/// <summary>
/// A fresh in-process API server per test with the Job controller (JobDriver) and the local kubelet running real
/// processes in a temporary directory; helpers create Jobs running /bin/sh scripts and wait with timeouts.
/// </summary>
public abstract class KubeletFixture : IAsyncLifetime
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    protected const string Ns = "default";

    protected LocalKubeApiServer Server { get; private set; } = null!;
    protected Kubernetes Client { get; private set; } = null!;
    protected JobDriver Jobs { get; private set; } = null!;
    protected LocalKubelet Kubelet { get; private set; } = null!;
    protected string Root { get; } = Directory.CreateTempSubdirectory("localcluster-tests-").FullName;

    /// <summary>Options of the kubelet under test; tests may change them before InitializeAsync runs.</summary>
    protected virtual LocalKubeletOptions KubeletOptions() => new()
    {
        PodsDirectory = Path.Combine(Root, "pods"),
        WorkingDirectory = Root,
        MaxGracePeriod = TimeSpan.FromSeconds(2),
        ConfigRetryInterval = TimeSpan.FromMilliseconds(100),
        Commands = new Dictionary<string, IReadOnlyList<string>> { ["trainer"] = ["/bin/sh"] },
    };

    public virtual async Task InitializeAsync()
    {
        Server = await LocalKubeApiServer.StartAsync();
        Client = Server.CreateClient();
        Jobs = new JobDriver(Server, new JobDriverOptions { GracefulTermination = true }); // as the local cluster runs it
        Kubelet = new LocalKubelet(Server, Jobs, KubeletOptions());
        Jobs.Start();
        Kubelet.Start();
    }

    public virtual async Task DisposeAsync()
    {
        await Kubelet.DisposeAsync();
        await Jobs.DisposeAsync();
        Client.Dispose();
        await Server.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }

    /// <summary>A Job whose pod runs <c>/bin/sh -c script</c>, with the given extras.</summary>
    protected V1Job ShellJob(string name, string script, int backoffLimit = 0, Action<V1PodSpec>? configure = null)
    {
        var spec = new V1PodSpec
        {
            RestartPolicy = "Never",
            TerminationGracePeriodSeconds = 30,
            Containers = [new V1Container { Name = "main", Image = "busybox", Command = ["/bin/sh", "-c", script] }],
        };
        configure?.Invoke(spec);
        return Client.BatchV1.CreateNamespacedJob(new V1Job
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1JobSpec { BackoffLimit = backoffLimit, Template = new V1PodTemplateSpec { Spec = spec } },
        }, Ns);
    }

    protected static string? Condition(V1Job job, string type) => job.Status?.Conditions?.FirstOrDefault(c => c.Type == type)?.Status;

    protected V1Job? GetJob(string name) => Server.Objects.Get<V1Job>(Ns, name);

    protected Task<V1Job> WaitForJobCondition(string name, string type) =>
        Eventually(() => GetJob(name), j => Condition(j, type) == "True", $"Job {name} to get condition {type}");

    protected string LogOf(V1Pod pod) => PodLog.Tail(Path.Combine(Kubelet.PodDirectory(Ns, pod.Metadata.Name), "main.log"), 1000, 1 << 20);

    /// <summary>Waits for the first process the kubelet starts for a pod of <paramref name="jobName"/>.</summary>
    protected Task<PodProcess> NextStartedProcess(string jobName)
    {
        var started = new TaskCompletionSource<PodProcess>(TaskCreationOptions.RunContinuationsAsynchronously);
        Kubelet.PodStarted += p =>
        {
            if (p.Launch.PodName.StartsWith(jobName + "-", StringComparison.Ordinal)) started.TrySetResult(p);
        };
        return started.Task.WaitAsync(Patience);
    }

    /// <summary>Waits until <paramref name="condition"/> holds, re-checking on a short interval, failing after <see cref="Patience"/>.</summary>
    protected static async Task<T> Eventually<T>(Func<T?> probe, Func<T, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        T? last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = probe();
            if (last is not null && condition(last)) return last;
            await Task.Delay(25);
        }
        throw new TimeoutException($"timed out after {Patience.TotalSeconds}s waiting for {what}; last seen: {(last is null ? "nothing" : KubernetesJson.Serialize(last))}");
    }
}
