using System.Globalization;
using System.Text.Json;
using FineTune.Api.Contract;
using FineTune.Api.V1Alpha1;
using FineTune.Operator.Configuration;
using k8s.Models;

namespace FineTune.Operator.Builders;

/// <summary>
/// The batch/v1 Job that trains one stage of one run: `trainer run /etc/finetune/job.yaml --stage S` under a restricted
/// security context, with the job's GPUs, CPU and memory, its scheduling constraints, storage credentials from a
/// Secret, and a pod failure policy that maps the trainer's exit codes to retry or fail.
/// </summary>
public static class TrainingJobBuilder
{
    /// <summary>Name of the trainer container (pod failure policy rules refer to it).</summary>
    public const string ContainerName = "trainer";

    /// <summary>Where the scratch emptyDir is mounted (the root filesystem is read-only).</summary>
    public const string ScratchPath = "/scratch";

    /// <summary>Seconds after the checkpoint budget before the kubelet kills the trainer outright.</summary>
    public const int ShutdownMarginSeconds = 30;

    /// <summary>Builds the Job of <paramref name="stage"/> in run <paramref name="runId"/>.</summary>
    /// <param name="job">The FineTuneJob, with metadata uid set (owner reference).</param>
    /// <param name="runId">The run's id (status.runId).</param>
    /// <param name="stage">Stage and iteration to train.</param>
    /// <param name="stageInputs">Output URIs of earlier stages by stage name, passed as JSON in FINETUNE_STAGE_INPUTS.</param>
    /// <param name="options">Operator configuration (default image, grace period, user id).</param>
    public static V1Job Build(FineTuneJob job, string runId, StageRef stage,
        IReadOnlyDictionary<string, string> stageInputs, OperatorOptions options)
    {
        var spec = job.Spec;
        var name = ResourceNames.TrainingJob(job.Metadata.Name, runId, stage.Name, stage.Iteration);
        var labels = new Dictionary<string, string>
        {
            [Labels.Run] = ResourceNames.RunShort(runId),
            [Labels.Stage] = stage.Name,
            [Labels.Iteration] = stage.Iteration.ToString(CultureInfo.InvariantCulture),
        };
        var metadata = OwnerReferences.ChildMetadata(job, name, labels);
        if (spec.Scheduling.Kueue)
            metadata.Labels[Labels.KueueQueueName] = spec.Scheduling.Queue;
        var podLabels = new Dictionary<string, string>(metadata.Labels);
        podLabels.Remove(Labels.KueueQueueName);

        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = metadata,
            Spec = new V1JobSpec
            {
                BackoffLimit = spec.RunPolicy.BackoffLimit,
                // Kueue admits a Job by un-suspending it; without Kueue the operator's own queue admitted it already.
                Suspend = spec.Scheduling.Kueue ? true : null,
                PodFailurePolicy = FailurePolicy(),
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = podLabels },
                    Spec = PodSpec(job, runId, stage, stageInputs, options),
                },
            },
        };
    }

    /// <summary>
    /// Invalid input (2) and divergence (3) fail the Job at once: a retry with the same data, seed and checkpoint ends
    /// the same way. An interrupted pod (143: checkpointed after SIGTERM) and a disrupted pod (preemption, eviction)
    /// do not count against backoffLimit; every other failure counts and the retry resumes from the checkpoint.
    /// </summary>
    private static V1PodFailurePolicy FailurePolicy() => new()
    {
        Rules =
        [
            new V1PodFailurePolicyRule
            {
                Action = "FailJob",
                OnExitCodes = new V1PodFailurePolicyOnExitCodesRequirement
                {
                    ContainerName = ContainerName,
                    OperatorProperty = "In",
                    Values = [TrainerExitCodes.InvalidInput, TrainerExitCodes.Diverged],
                },
            },
            new V1PodFailurePolicyRule
            {
                Action = "Ignore",
                OnExitCodes = new V1PodFailurePolicyOnExitCodesRequirement
                {
                    ContainerName = ContainerName,
                    OperatorProperty = "In",
                    Values = [TrainerExitCodes.Interrupted],
                },
            },
            new V1PodFailurePolicyRule
            {
                Action = "Ignore",
                OnPodConditions = [new V1PodFailurePolicyOnPodConditionsPattern { Type = "DisruptionTarget", Status = "True" }],
            },
        ],
    };

    private static V1PodSpec PodSpec(FineTuneJob job, string runId, StageRef stage,
        IReadOnlyDictionary<string, string> stageInputs, OperatorOptions options)
    {
        var spec = job.Spec;
        var resources = spec.Resources;
        return new V1PodSpec
        {
            RestartPolicy = "Never", // required by podFailurePolicy; retries are new pods of the Job
            ServiceAccountName = ResourceNames.TrainerIdentity(job.Metadata.Name),
            PriorityClassName = spec.Scheduling.PriorityClassName,
            NodeSelector = resources.NodeSelector is { Count: > 0 } selector ? new Dictionary<string, string>(selector) : null,
            Tolerations = resources.Tolerations?.Select(ToToleration).ToList(),
            TerminationGracePeriodSeconds = options.CheckpointGraceSeconds + ShutdownMarginSeconds,
            SecurityContext = new V1PodSecurityContext
            {
                RunAsNonRoot = true,
                RunAsUser = options.TrainerUserId,
                RunAsGroup = options.TrainerUserId,
                FsGroup = options.TrainerUserId,
                SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
            },
            Containers =
            [
                new V1Container
                {
                    Name = ContainerName,
                    Image = string.IsNullOrWhiteSpace(spec.Image) ? options.TrainerImage : spec.Image,
                    Command = ["trainer"],
                    Args = ["run", $"{TrainerEnvironment.JobConfigDirectory}/{TrainerEnvironment.JobFileName}", "--stage", stage.Name],
                    Env = Environment(job, runId, stage, stageInputs, options),
                    Ports = [new V1ContainerPort { Name = "metrics", ContainerPort = options.TrainerMetricsPort }],
                    Resources = Resources(resources),
                    SecurityContext = new V1SecurityContext
                    {
                        AllowPrivilegeEscalation = false,
                        ReadOnlyRootFilesystem = true,
                        RunAsNonRoot = true,
                        Capabilities = new V1Capabilities { Drop = ["ALL"] },
                        SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                    },
                    VolumeMounts =
                    [
                        new V1VolumeMount { Name = "job-config", MountPath = TrainerEnvironment.JobConfigDirectory, ReadOnlyProperty = true },
                        new V1VolumeMount { Name = "scratch", MountPath = ScratchPath },
                        new V1VolumeMount { Name = "tmp", MountPath = "/tmp" },
                    ],
                },
            ],
            Volumes =
            [
                new V1Volume
                {
                    Name = "job-config",
                    ConfigMap = new V1ConfigMapVolumeSource { Name = ResourceNames.RunConfigMap(job.Metadata.Name, runId) },
                },
                new V1Volume { Name = "scratch", EmptyDir = new V1EmptyDirVolumeSource() },
                new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() },
            ],
        };
    }

    private static List<V1EnvVar> Environment(FineTuneJob job, string runId, StageRef stage,
        IReadOnlyDictionary<string, string> stageInputs, OperatorOptions options)
    {
        var env = new List<V1EnvVar>
        {
            Env(TrainerEnvironment.JobNamespace, job.Metadata.NamespaceProperty),
            Env(TrainerEnvironment.JobName, job.Metadata.Name),
            Env(TrainerEnvironment.RunId, runId),
            Env(TrainerEnvironment.Stage, stage.Name),
            Env(TrainerEnvironment.Iteration, stage.Iteration.ToString(CultureInfo.InvariantCulture)),
            Env(TrainerEnvironment.StageInputs, JsonSerializer.Serialize(new SortedDictionary<string, string>(
                stageInputs.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal))),
            Env(TrainerEnvironment.MetricsPort, options.TrainerMetricsPort.ToString(CultureInfo.InvariantCulture)),
            Env(TrainerEnvironment.CheckpointGraceSeconds, options.CheckpointGraceSeconds.ToString(CultureInfo.InvariantCulture)),
            Env(TrainerEnvironment.ScratchDirectory, ScratchPath),
            Env(TrainerEnvironment.LdPreload, TrainerEnvironment.TcmallocPath),
            Env("TMPDIR", "/tmp"),
        };
        if (ThreadsFor(job.Spec.Resources.Cpu) is { } threads)
            env.Add(Env(TrainerEnvironment.OmpNumThreads, threads.ToString(CultureInfo.InvariantCulture)));
        if (job.Spec.Storage is { CredentialsSecret: { Length: > 0 } secret } storage)
        {
            env.Add(SecretEnv(TrainerEnvironment.AccessKey, secret, storage.AccessKeyKey));
            env.Add(SecretEnv(TrainerEnvironment.SecretKey, secret, storage.SecretKeyKey));
        }
        return env;
    }

    private static V1EnvVar Env(string name, string? value) => new() { Name = name, Value = value };

    private static V1EnvVar SecretEnv(string name, string secret, string key) => new()
    {
        Name = name,
        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = key } },
    };

    /// <summary>
    /// libtorch sizes its thread pool from the node's cores, not the container's limit: use the CPU limit, rounded
    /// down, at least 1. Null when the job sets no CPU.
    /// </summary>
    public static int? ThreadsFor(string? cpu)
    {
        if (string.IsNullOrWhiteSpace(cpu))
            return null;
        var cores = new ResourceQuantity(cpu).ToDecimal();
        return (int)Math.Max(1, Math.Floor(cores));
    }

    private static V1ResourceRequirements Resources(ResourcesSpec resources)
    {
        var amounts = new Dictionary<string, ResourceQuantity>();
        if (!string.IsNullOrWhiteSpace(resources.Cpu))
            amounts["cpu"] = new ResourceQuantity(resources.Cpu);
        if (!string.IsNullOrWhiteSpace(resources.Memory))
            amounts["memory"] = new ResourceQuantity(resources.Memory);
        if (resources.Gpus > 0)
            amounts[resources.GpuResourceName] = new ResourceQuantity(resources.Gpus.ToString(CultureInfo.InvariantCulture));
        // Requests equal limits: a training pod's usage is steady, and extended resources (GPUs) require it.
        return new V1ResourceRequirements
        {
            Requests = amounts.Count == 0 ? null : new Dictionary<string, ResourceQuantity>(amounts),
            Limits = amounts.Count == 0 ? null : new Dictionary<string, ResourceQuantity>(amounts),
        };
    }

    private static V1Toleration ToToleration(Toleration toleration) => new()
    {
        Key = toleration.Key,
        OperatorProperty = toleration.Operator?.ToString(),
        Value = toleration.Value,
        Effect = toleration.Effect?.ToString(),
        TolerationSeconds = toleration.TolerationSeconds,
    };
}
