using FineTune.LocalCluster.Tests.Support;
using k8s;
using k8s.Models;

namespace FineTune.LocalCluster.Tests.Runner;

public sealed class LocalKubeletTests : KubeletFixture
{
    [Fact]
    public async Task Successful_process_completes_the_job_and_its_stdout_and_stderr_are_in_the_pod_log()
    {
        ShellJob("hello", "echo out-line; echo err-line >&2");

        await WaitForJobCondition("hello", "Complete");
        var pod = Assert.Single(Jobs.PodsOf(Ns, "hello"));
        Assert.Equal("Succeeded", pod.Status.Phase);
        var terminated = pod.Status.ContainerStatuses.Single().State.Terminated;
        Assert.Equal(0, terminated.ExitCode);
        Assert.Equal("Completed", terminated.Reason);
        var log = LogOf(pod);
        Assert.Contains("out-line", log);
        Assert.Contains("err-line", log);
    }

    [Fact]
    public async Task Exit_code_fails_the_pod_and_the_job_retries_until_backoffLimit()
    {
        ShellJob("flaky", "echo attempt; exit 7", backoffLimit: 1);

        var job = await WaitForJobCondition("flaky", "Failed");
        Assert.Equal("BackoffLimitExceeded", job.Status.Conditions.Single(c => c.Type == "Failed").Reason);
        var pods = Jobs.PodsOf(Ns, "flaky");
        Assert.Equal(2, pods.Count);
        Assert.Equal(2, job.Status.Failed);
        foreach (var pod in pods)
        {
            Assert.Equal("Failed", pod.Status.Phase);
            var terminated = pod.Status.ContainerStatuses.Single().State.Terminated;
            Assert.Equal(7, terminated.ExitCode);
            Assert.Equal("Error", terminated.Reason);
            Assert.Contains("attempt", terminated.Message); // the end of the log, as FallbackToLogsOnError gives
        }
    }

    [Fact]
    public async Task Environment_from_secrets_config_maps_and_expansion_and_mounted_files_arrive_with_paths_rewritten()
    {
        Server.Objects.Create(new V1Secret
        {
            ApiVersion = "v1", Kind = "Secret",
            Metadata = new V1ObjectMeta { Name = "creds", NamespaceProperty = Ns },
            Data = new Dictionary<string, byte[]> { ["accessKey"] = "AKIA-local"u8.ToArray() },
        });
        Server.Objects.Create(new V1ConfigMap
        {
            ApiVersion = "v1", Kind = "ConfigMap",
            Metadata = new V1ObjectMeta { Name = "job-config", NamespaceProperty = Ns },
            Data = new Dictionary<string, string> { ["job.yaml"] = "kind: FineTuneJob\n", ["mode"] = "fast" },
        });
        const string script = """
            echo "key=$AWS_ACCESS_KEY_ID"
            echo "mode=$MODE"
            echo "greeting=$GREETING"
            echo "scratch=$FINETUNE_SCRATCH_DIR"
            echo "metrics=$FINETUNE_METRICS_PORT"
            echo "arg=$0"
            cat "$0"
            touch "$FINETUNE_SCRATCH_DIR/written" && echo scratch-writable
            """;
        ShellJob("env", script, configure: spec =>
        {
            var main = spec.Containers[0];
            main.Command = ["/bin/sh", "-c", script, "/etc/finetune/job.yaml"];
            main.Env =
            [
                new V1EnvVar { Name = "AWS_ACCESS_KEY_ID", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "creds", Key = "accessKey" } } },
                new V1EnvVar { Name = "MODE", ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = "job-config", Key = "mode" } } },
                new V1EnvVar { Name = "GREETING", Value = "hello-$(MODE)" },
                new V1EnvVar { Name = "FINETUNE_SCRATCH_DIR", Value = "/scratch" },
                new V1EnvVar { Name = "FINETUNE_METRICS_PORT", Value = "9400" },
            ];
            main.VolumeMounts =
            [
                new V1VolumeMount { Name = "config", MountPath = "/etc/finetune", ReadOnlyProperty = true },
                new V1VolumeMount { Name = "scratch", MountPath = "/scratch" },
            ];
            spec.Volumes =
            [
                new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = "job-config" } },
                new V1Volume { Name = "scratch", EmptyDir = new V1EmptyDirVolumeSource() },
            ];
        });

        await WaitForJobCondition("env", "Complete");
        var pod = Assert.Single(Jobs.PodsOf(Ns, "env"));
        var podDirectory = Kubelet.PodDirectory(Ns, pod.Metadata.Name);
        var lines = LogOf(pod).Split('\n');
        Assert.Contains("key=AKIA-local", lines);
        Assert.Contains("mode=fast", lines);
        Assert.Contains("greeting=hello-fast", lines);
        Assert.Contains($"scratch={Path.Combine(podDirectory, "scratch")}", lines);
        Assert.Contains($"arg={Path.Combine(podDirectory, "etc/finetune/job.yaml")}", lines);
        Assert.Contains("kind: FineTuneJob", lines);
        Assert.Contains("scratch-writable", lines);
        var metrics = int.Parse(lines.Single(l => l.StartsWith("metrics=")).Split('=')[1]);
        Assert.NotEqual(9400, metrics); // each pod gets its own port
        Assert.True(File.Exists(Path.Combine(podDirectory, "scratch", "written")));
    }

    [Fact]
    public async Task Deleting_the_job_sends_SIGTERM_to_the_process()
    {
        var started = NextStartedProcess("sleeper");
        ShellJob("sleeper", "trap 'echo got-term; exit 143' TERM; echo ready; while true; do sleep 0.1; done");
        var process = await started;
        var pod = await Eventually(() => Jobs.ActivePodOf(Ns, "sleeper"), p => LogOf(p).Contains("ready"), "the script to install its trap");

        await Client.BatchV1.DeleteNamespacedJobAsync("sleeper", Ns, propagationPolicy: "Background");

        Assert.Equal(143, await process.Exited.WaitAsync(Patience));
        Assert.True(process.TerminationRequested);
        Assert.Contains("got-term", LogOf(pod));
        Assert.Empty(Jobs.PodsOf(Ns, "sleeper"));
    }

    [Fact]
    public async Task Suspended_pod_stays_terminating_until_its_process_has_exited_then_reports_the_exit()
    {
        var started = NextStartedProcess("saver");
        var saved = Path.Combine(Root, "saved");
        ShellJob("saver", $"trap 'sleep 1; touch {saved}; exit 143' TERM; echo ready; while true; do sleep 0.1; done");
        var process = await started;
        var pod = await Eventually(() => Jobs.ActivePodOf(Ns, "saver"), p => LogOf(p).Contains("ready"), "the script to install its trap");

        Server.Objects.Update<V1Job>(Ns, "saver", j => j.Spec.Suspend = true);

        // While the process works through its SIGTERM (a checkpoint, in a trainer), the pod is there, terminating.
        var terminating = await Eventually(() => Server.Objects.Get<V1Pod>(Ns, pod.Metadata.Name), p => p.Metadata.DeletionTimestamp is not null, "the pod to terminate");
        Assert.Equal(143, await process.Exited.WaitAsync(Patience));
        Assert.True(File.Exists(saved));
        await Eventually(() => Server.Objects.Get<V1Pod>(Ns, terminating.Metadata.Name) is null ? "gone" : null, _ => true, "the pod to go once its process exited");
        await WaitForJobCondition("saver", "Suspended");
    }

    [Fact]
    public async Task Suspending_the_job_kills_a_process_that_ignores_SIGTERM_after_the_grace_period()
    {
        var started = NextStartedProcess("stubborn");
        ShellJob("stubborn", "trap '' TERM; echo ready; while true; do sleep 0.1; done", configure: s => s.TerminationGracePeriodSeconds = 1);
        var process = await started;
        await Eventually(() => Jobs.ActivePodOf(Ns, "stubborn"), p => LogOf(p).Contains("ready"), "the script to ignore SIGTERM");

        var suspendedAt = DateTime.UtcNow;
        Server.Objects.Update<V1Job>(Ns, "stubborn", j => j.Spec.Suspend = true);

        Assert.Equal(137, await process.Exited.WaitAsync(Patience)); // 128 + SIGKILL
        Assert.True(DateTime.UtcNow - suspendedAt >= TimeSpan.FromSeconds(0.9), "SIGKILL came before the grace period ended");
        await WaitForJobCondition("stubborn", "Suspended");
    }

    [Fact]
    public async Task Pod_waits_for_a_missing_secret_and_starts_once_it_exists()
    {
        ShellJob("needs-secret", "echo \"token=$TOKEN\"", configure: spec => spec.Containers[0].Env =
        [
            new V1EnvVar { Name = "TOKEN", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "late", Key = "token" } } },
        ]);
        var waiting = await Eventually(() => Jobs.ActivePodOf(Ns, "needs-secret"),
            p => p.Status?.ContainerStatuses?.SingleOrDefault()?.State?.Waiting is not null, "the pod to wait for its Secret");
        Assert.Equal("Pending", waiting.Status.Phase);
        var reason = waiting.Status.ContainerStatuses.Single().State.Waiting;
        Assert.Equal("CreateContainerConfigError", reason.Reason);
        Assert.Contains("secret \"late\" not found", reason.Message);

        Server.Objects.Create(new V1Secret
        {
            ApiVersion = "v1", Kind = "Secret",
            Metadata = new V1ObjectMeta { Name = "late", NamespaceProperty = Ns },
            StringData = new Dictionary<string, string> { ["token"] = "t0k" },
        });

        await WaitForJobCondition("needs-secret", "Complete");
        Assert.Contains("token=t0k", LogOf(Jobs.PodsOf(Ns, "needs-secret").Single()));
    }

    [Fact]
    public async Task Unknown_program_fails_the_pod_with_a_start_error_naming_it()
    {
        ShellJob("missing", "unused", configure: spec => spec.Containers[0].Command = ["/nonexistent/tool", "--flag"]);

        await WaitForJobCondition("missing", "Failed");
        var terminated = Jobs.PodsOf(Ns, "missing").Single().Status.ContainerStatuses.Single().State.Terminated;
        Assert.Equal(128, terminated.ExitCode);
        Assert.Equal("StartError", terminated.Reason);
        Assert.Contains("/nonexistent/tool", terminated.Message);
    }

    [Fact]
    public async Task Mapped_command_runs_the_local_program_with_the_pod_arguments()
    {
        // The fixture maps `trainer` to /bin/sh, as the local cluster maps it to the locally built trainer.
        ShellJob("mapped", "unused", configure: spec => spec.Containers[0].Command = ["trainer", "-c", "echo \"ran-as-$0\"", "local"]);

        await WaitForJobCondition("mapped", "Complete");
        Assert.Contains("ran-as-local", LogOf(Jobs.PodsOf(Ns, "mapped").Single()));
    }
}
