using System.Text.Json;
using FineTune.Api.Contract;
using FineTune.Api.V1Alpha1;
using FineTune.Operator.Builders;
using FineTune.Operator.Configuration;
using FineTune.Operator.Tests.Support;
using k8s.Models;

namespace FineTune.Operator.Tests.Builders;

public class TrainingJobBuilderTests
{
    private static readonly OperatorOptions Options = new() { TrainerImage = "registry.local/trainer:1.2.3", CheckpointGraceSeconds = 120 };
    private static readonly Dictionary<string, string> NoInputs = new();

    private static V1Job Build(FineTuneJob job, string stage = "train", int iteration = 1, IReadOnlyDictionary<string, string>? inputs = null)
        => TrainingJobBuilder.Build(job, "20261128t100000-g1", new StageRef(stage, iteration), inputs ?? NoInputs, Options);

    private static V1Container Trainer(V1Job job) => Assert.Single(job.Spec.Template.Spec.Containers);

    private static string? Env(V1Job job, string name) => Trainer(job).Env.Single(e => e.Name == name).Value;

    [Fact]
    public void Job_runs_the_trainer_on_the_mounted_manifest_for_its_stage()
    {
        var job = Build(TestJobs.Rlhf(), "reward");
        var container = Trainer(job);
        Assert.Equal(["trainer"], container.Command);
        Assert.Equal(["run", "/etc/finetune/job.yaml", "--stage", "reward"], container.Args);
        Assert.Equal("reward", Env(job, TrainerEnvironment.Stage));
        Assert.Equal("chat-align", Env(job, TrainerEnvironment.JobName));
        Assert.Equal("ml", Env(job, TrainerEnvironment.JobNamespace));
        Assert.Equal("20261128t100000-g1", Env(job, TrainerEnvironment.RunId));
        var mount = container.VolumeMounts.Single(m => m.MountPath == TrainerEnvironment.JobConfigDirectory);
        Assert.True(mount.ReadOnlyProperty);
        var volume = job.Spec.Template.Spec.Volumes.Single(v => v.Name == mount.Name);
        Assert.Equal(ResourceNames.RunConfigMap("chat-align", "20261128t100000-g1"), volume.ConfigMap.Name);
    }

    [Fact]
    public void Gpus_are_requested_and_limited_as_the_configured_resource_name()
    {
        var spec = TestJobs.Lora();
        spec.Spec.Resources.Gpus = 2;
        spec.Spec.Resources.GpuResourceName = "nvidia.com/mig-1g.10gb";
        var resources = Trainer(Build(spec)).Resources;
        Assert.Equal("2", resources.Limits["nvidia.com/mig-1g.10gb"].ToString());
        Assert.Equal("2", resources.Requests["nvidia.com/mig-1g.10gb"].ToString());
        Assert.Equal("4", resources.Limits["cpu"].ToString());
        Assert.Equal("32Gi", resources.Limits["memory"].ToString());
        Assert.False(resources.Limits.ContainsKey("nvidia.com/gpu"));
    }

    [Fact]
    public void Cpu_only_job_requests_no_gpu()
    {
        var spec = TestJobs.Lora();
        spec.Spec.Resources.Gpus = 0;
        Assert.DoesNotContain(Trainer(Build(spec)).Resources.Limits.Keys, k => k.Contains("gpu"));
    }

    [Theory]
    [InlineData("4", 4)]
    [InlineData("2.5", 2)]
    [InlineData("500m", 1)]
    [InlineData("3500m", 3)]
    public void Omp_threads_follow_the_cpu_limit_rounded_down(string cpu, int threads)
    {
        var spec = TestJobs.Lora();
        spec.Spec.Resources.Cpu = cpu;
        Assert.Equal(threads.ToString(), Env(Build(spec), TrainerEnvironment.OmpNumThreads));
    }

    [Fact]
    public void Pod_runs_restricted_with_a_writable_scratch_directory()
    {
        var job = Build(TestJobs.Lora());
        var pod = job.Spec.Template.Spec;
        var container = Trainer(job);
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        var scratch = Env(job, TrainerEnvironment.ScratchDirectory);
        var mount = container.VolumeMounts.Single(m => m.MountPath == scratch);
        Assert.NotNull(pod.Volumes.Single(v => v.Name == mount.Name).EmptyDir);
        Assert.Equal(TrainerEnvironment.TcmallocPath, Env(job, TrainerEnvironment.LdPreload));
    }

    [Fact]
    public void Storage_credentials_come_only_through_secret_references()
    {
        var container = Trainer(Build(TestJobs.Lora()));
        foreach (var name in new[] { TrainerEnvironment.AccessKey, TrainerEnvironment.SecretKey })
        {
            var env = container.Env.Single(e => e.Name == name);
            Assert.Null(env.Value);
            Assert.Equal("minio-credentials", env.ValueFrom.SecretKeyRef.Name);
        }
        Assert.Equal("accessKey", container.Env.Single(e => e.Name == TrainerEnvironment.AccessKey).ValueFrom.SecretKeyRef.Key);
    }

    [Fact]
    public void Grace_period_covers_the_checkpoint_budget()
    {
        var job = Build(TestJobs.Lora());
        Assert.Equal("120", Env(job, TrainerEnvironment.CheckpointGraceSeconds));
        Assert.True(job.Spec.Template.Spec.TerminationGracePeriodSeconds > 120);
    }

    [Fact]
    public void Image_in_the_spec_overrides_the_configured_trainer_image()
    {
        var spec = TestJobs.Lora();
        Assert.Equal("registry.local/trainer:1.2.3", Trainer(Build(spec)).Image);
        spec.Spec.Image = "example.com/custom/trainer:dev";
        Assert.Equal("example.com/custom/trainer:dev", Trainer(Build(spec)).Image);
    }

    [Fact]
    public void Kueue_jobs_are_created_suspended_with_the_local_queue_label()
    {
        var spec = TestJobs.Lora();
        Assert.Null(Build(spec).Spec.Suspend);
        spec.Spec.Scheduling.Kueue = true;
        spec.Spec.Scheduling.Queue = "team-a";
        var job = Build(spec);
        Assert.True(job.Spec.Suspend);
        Assert.Equal("team-a", job.Metadata.Labels["kueue.x-k8s.io/queue-name"]);
    }

    [Fact]
    public void Invalid_input_fails_the_job_at_once_and_interruptions_do_not_count()
    {
        var job = Build(TestJobs.Lora());
        Assert.Equal("Never", job.Spec.Template.Spec.RestartPolicy);
        Assert.Equal(3, job.Spec.BackoffLimit);
        var rules = job.Spec.PodFailurePolicy.Rules;
        Assert.Contains(rules, r => r.Action == "FailJob" && r.OnExitCodes.Values.Contains(TrainerExitCodes.InvalidInput));
        Assert.Contains(rules, r => r.Action == "Ignore" && r.OnExitCodes?.Values.Contains(TrainerExitCodes.Interrupted) == true);
        Assert.DoesNotContain(rules, r => r.OnExitCodes?.Values.Contains(TrainerExitCodes.Failed) == true);
    }

    [Fact]
    public void Scheduling_constraints_reach_the_pod()
    {
        var spec = TestJobs.Lora();
        spec.Spec.Resources.NodeSelector = new() { ["gpu"] = "a100" };
        spec.Spec.Resources.Tolerations = [new Toleration { Key = "nvidia.com/gpu", Operator = TolerationOperator.Exists, Effect = TaintEffect.NoSchedule }];
        spec.Spec.Scheduling.PriorityClassName = "training-high";
        var pod = Build(spec).Spec.Template.Spec;
        Assert.Equal("a100", pod.NodeSelector["gpu"]);
        var toleration = Assert.Single(pod.Tolerations);
        Assert.Equal(("nvidia.com/gpu", "Exists", "NoSchedule"), (toleration.Key, toleration.OperatorProperty, toleration.Effect));
        Assert.Equal("training-high", pod.PriorityClassName);
    }

    [Fact]
    public void Earlier_stage_outputs_are_passed_as_json()
    {
        var inputs = new Dictionary<string, string> { ["sft"] = "s3://runs/x/r1/sft/", ["reward"] = "s3://runs/x/r1/reward/" };
        var value = Env(Build(TestJobs.Rlhf(), "ppo", 1, inputs), TrainerEnvironment.StageInputs)!;
        Assert.Equal(inputs, JsonSerializer.Deserialize<Dictionary<string, string>>(value));
    }

    [Fact]
    public void Job_is_owned_by_and_labelled_for_its_fine_tune_job()
    {
        var job = Build(TestJobs.Lora(), "train");
        var owner = Assert.Single(job.Metadata.OwnerReferences);
        Assert.Equal((FineTuneJobApi.Kind, "support-bot", true), (owner.Kind, owner.Name, owner.Controller == true));
        Assert.Equal("support-bot", job.Metadata.Labels[Labels.JobName]);
        Assert.Equal("support-bot", job.Spec.Template.Metadata.Labels[Labels.JobName]);
        Assert.Equal(ResourceNames.TrainerIdentity("support-bot"), job.Spec.Template.Spec.ServiceAccountName);
    }
}
