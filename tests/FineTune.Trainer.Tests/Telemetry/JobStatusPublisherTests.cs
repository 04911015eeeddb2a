using System.Diagnostics;
using FineTune.Api.Manifests;
using FineTune.Api.V1Alpha1;
using FineTune.LocalApiServer;
using FineTune.LocalApiServer.Testing;
using FineTune.Trainer.Telemetry;
using FineTune.Trainer.Tests.Fixtures;
using FineTune.Trainer.Training;
using k8s;
using k8s.Models;

namespace FineTune.Trainer.Tests.Telemetry;

/// <summary>The status publisher against the in-process API server with the generated FineTuneJob CRD.</summary>
public sealed class JobStatusPublisherTests : IAsyncLifetime
{
    private const string Ns = "ml";
    private const string Name = "progress-job";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private LocalKubeApiServer _server = null!;
    private Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _server = await LocalKubeApiServer.StartAsync(new LocalApiServerOptions { CrdPaths = [Path.Combine(AppContext.BaseDirectory, "Crds")] });
        _client = _server.CreateClient();
        _server.Objects.Create(new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = Ns } });
        var loaded = ManifestLoader.LoadText($"""
            apiVersion: finetune.dev/v1alpha1
            kind: FineTuneJob
            metadata:
              name: {Name}
              namespace: {Ns}
            spec:
              method: full
              model:
                uri: s3://models/tiny/
              dataset:
                uri: s3://datasets/train.jsonl
              output:
                uri: s3://runs/progress/
              storage:
                endpoint: http://minio:9000
                credentialsSecret: minio-credentials
            """, "job.yaml");
        Assert.True(loaded.IsValid, string.Join("; ", loaded.Errors));
        var job = loaded.Jobs.Single();
        await _client.CustomObjects.CreateNamespacedCustomObjectAsync(job, FineTuneJobApi.Group, FineTuneJobApi.Version, Ns, FineTuneJobApi.Plural);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Steps_evaluation_and_checkpoint_reach_the_job_status()
    {
        using var publisher = new JobStatusPublisher(_client, Ns, Name, "train", TextWriter.Null);

        publisher.OnStep(Step(1, 10, loss: 2.5));
        publisher.OnEvaluation(1, Evaluation(2.25), improved: true);
        publisher.OnCheckpoint(1, "s3://runs/progress/run-1/train/checkpoints/step-1/");

        var status = await WaitForStatus(s => s.LastCheckpoint?.Step == 1 && s.Progress?.EvalLoss == 2.25, "step 1 with its evaluation and checkpoint");
        Assert.Equal(1, status.Progress!.Step);
        Assert.Equal(10, status.Progress.TotalSteps);
        Assert.Equal(10, status.Progress.Percent);
        Assert.Equal(2.5, status.Progress.Loss);
        Assert.Equal(900, status.Progress.TokensPerSecond);
        Assert.Equal(90, status.Progress.EtaSeconds);
        Assert.NotNull(status.Progress.UpdateTime);
        Assert.Equal("s3://runs/progress/run-1/train/checkpoints/step-1/", status.LastCheckpoint!.Uri);
        Assert.Equal("train", status.LastCheckpoint.Stage);

        publisher.OnStep(Step(10, 10, loss: 1.5));
        status = await WaitForStatus(s => s.Progress?.Step == 10, "the last step");
        Assert.Equal(100, status.Progress!.Percent);
        Assert.Equal(1.5, status.Progress.Loss);
        Assert.Equal(2.25, status.Progress.EvalLoss);
        Assert.Equal(1, status.LastCheckpoint!.Step);
    }

    [Fact]
    public async Task Steps_within_the_interval_are_throttled_and_the_last_one_is_always_sent()
    {
        using (var publisher = new JobStatusPublisher(_client, Ns, Name, "train", TextWriter.Null, minInterval: TimeSpan.FromMinutes(1)))
        {
            for (var step = 1; step <= 200; step++)
                publisher.OnStep(Step(step, 200, loss: 3.0 - step / 100.0));
            await WaitForStatus(s => s.Progress?.Step == 200, "the last step");
        }

        // The first step goes out at once, the last one is forced; the 198 in between fall inside the interval.
        var patches = _server.Requests.Count("patch", "finetunejobs/status");
        Assert.InRange(patches, 1, 2);
    }

    [Fact]
    public async Task Disposing_sends_the_latest_state_held_back_by_the_throttle()
    {
        using (var publisher = new JobStatusPublisher(_client, Ns, Name, "train", TextWriter.Null, minInterval: TimeSpan.FromMinutes(1)))
        {
            publisher.OnStep(Step(1, 100, loss: 2.0));
            publisher.OnStep(Step(7, 100, loss: 1.0)); // interrupted here: no forced last step
        }

        var status = await WaitForStatus(s => s.Progress?.Step == 7, "the held-back step");
        Assert.Equal(1.0, status.Progress!.Loss);
    }

    [Fact]
    public void An_unreachable_api_server_neither_blocks_nor_fails_training_and_warns_once()
    {
        using var unreachable = new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" });
        var warnings = new StringWriter();
        var watch = Stopwatch.StartNew();
        using (var publisher = new JobStatusPublisher(unreachable, Ns, Name, "train", TextWriter.Synchronized(warnings), minInterval: TimeSpan.Zero))
        {
            for (var step = 1; step <= 50; step++)
            {
                publisher.OnStep(Step(step, 50, loss: 1.0));
                publisher.OnCheckpoint(step, $"s3://runs/progress/step-{step}/");
            }
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"observer calls took {watch.Elapsed}");
            Assert.Equal(0, publisher.PatchesSent);
        }

        var lines = warnings.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var warning = Assert.Single(lines);
        Assert.Contains($"FineTuneJob {Ns}/{Name}", warning);
    }

    [Fact]
    public async Task A_slow_api_server_does_not_delay_the_observer()
    {
        _server.Faults.Add(new FaultRule { Verb = "patch", Resource = "finetunejobs/status", Delay = TimeSpan.FromSeconds(3) });
        using var publisher = new JobStatusPublisher(_client, Ns, Name, "train", TextWriter.Null, minInterval: TimeSpan.Zero);

        var watch = Stopwatch.StartNew();
        for (var step = 1; step <= 20; step++)
            publisher.OnStep(Step(step, 20, loss: 1.0));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"observer calls took {watch.Elapsed}");

        // With no throttle, steps reported while a patch hangs are coalesced into the next one instead of queueing 20.
        await WaitForStatus(s => s.Progress?.Step == 20, "the last step after the slow patch");
        Assert.InRange(_server.Requests.Count("patch", "finetunejobs/status"), 1, 3);
    }

    [Fact]
    public void Nothing_is_published_when_the_job_is_not_named()
    {
        Assert.Null(JobStatusPublisher.FromEnvironment("train", TextWriter.Null, _ => null));
        Assert.Null(JobStatusPublisher.FromEnvironment("train", TextWriter.Null,
            name => name == "FINETUNE_JOB_NAMESPACE" ? Ns : null));
    }

    [Fact]
    public async Task A_pod_kubeconfig_without_credentials_reaches_the_job()
    {
        using var directory = new TemporaryDirectory();
        var kubeconfig = Path.Combine(directory.Path, "kubeconfig");
        File.WriteAllText(kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: local
              cluster:
                server: {_server.Url}
            users:
            - name: local
              user: {"{}"}
            contexts:
            - name: local
              context:
                cluster: local
                user: local
            current-context: local
            """);
        var environment = new Dictionary<string, string?>
        {
            ["FINETUNE_JOB_NAMESPACE"] = Ns, ["FINETUNE_JOB_NAME"] = Name, ["KUBECONFIG"] = kubeconfig,
        };

        using (var publisher = JobStatusPublisher.FromEnvironment("train", TextWriter.Null, name => environment.GetValueOrDefault(name)))
        {
            Assert.NotNull(publisher);
            publisher.OnStep(Step(4, 4, loss: 0.5));
        }

        await WaitForStatus(s => s.Progress?.Step == 4, "the step sent through the kubeconfig");
    }

    [Fact]
    public void An_unreadable_kubeconfig_warns_and_publishes_nothing()
    {
        var warnings = new StringWriter();
        var environment = new Dictionary<string, string?>
        {
            ["FINETUNE_JOB_NAMESPACE"] = Ns, ["FINETUNE_JOB_NAME"] = Name, ["KUBECONFIG"] = "/nonexistent/kubeconfig",
        };

        Assert.Null(JobStatusPublisher.FromEnvironment("train", warnings, name => environment.GetValueOrDefault(name)));
        Assert.Contains($"FineTuneJob {Ns}/{Name}", warnings.ToString());
    }

    private static StepReport Step(long step, long total, double loss) =>
        new(step, total, loss, LearningRate: 1e-3, GradNorm: 1, Tokens: 90, TokensPerSecond: 900, EtaSeconds: (total - step) * 10.0, Epoch: 0);

    private static EvaluationMetrics Evaluation(double loss) =>
        new() { Loss = loss, Perplexity = Math.Exp(loss), Tokens = 100, Examples = 4 };

    private async Task<FineTuneJobStatus> WaitForStatus(Func<FineTuneJobStatus, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        FineTuneJobStatus? last = null;
        while (DateTime.UtcNow < deadline)
        {
            var json = _server.Objects.GetJson(FineTuneJobApi.ApiVersion, FineTuneJobApi.Kind, Ns, Name);
            last = json is null ? null : KubernetesJson.Deserialize<FineTuneJob>(json.ToJsonString()).Status;
            if (last is not null && condition(last))
                return last;
            await Task.Delay(20);
        }
        throw new TimeoutException($"timed out after {Patience.TotalSeconds}s waiting for {what}; last status: {(last is null ? "none" : KubernetesJson.Serialize(last))}");
    }
}
