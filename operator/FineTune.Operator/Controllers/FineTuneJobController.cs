using System.Net;
using System.Text.Json.Nodes;
using FineTune.Api.Validation;
using FineTune.Api.V1Alpha1;
using FineTune.Operator.Builders;
using FineTune.Operator.Finalizers;
using FineTune.Operator.Metrics;
using FineTune.Operator.Reconciliation;
using FineTune.Operator.Runtime;
using FineTune.Operator.Scheduling;
using FineTune.Operator.Status;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace FineTune.Operator.Controllers;

/// <summary>
/// Reconciles one FineTuneJob: reads it and its Jobs, lets <see cref="RunPlanner"/> decide, carries out the child
/// changes, writes the operator-owned status fields when they changed, and records the events. With the informer
/// indexes in use (<see cref="UseTrainingJobIndex"/>), reads come from the caches unless they do not show the
/// operator's own latest writes yet (<see cref="WriteExpectations"/>); writes always go to the API server.
/// </summary>
public sealed class FineTuneJobController(
    IKubernetes client,
    RunPlanner planner,
    AdmissionQueue admission,
    CleanupFinalizer finalizer,
    EventRecorder events,
    OperatorMetrics metrics,
    TimeProvider time,
    ILogger<FineTuneJobController> logger)
{
    private Func<IEnumerable<FineTuneJob>> knownJobs = () => [];
    private Func<string, string, IReadOnlyList<V1Pod>> podsOf = (_, _) => [];
    private Func<string, string, IReadOnlyList<V1Job>>? trainingJobsOf;
    private readonly WriteExpectations expectations = new();

    // Validation evaluates every CEL rule of the schema; a spec only changes with metadata.generation, so the result
    // is kept per uid and generation.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long Generation, IReadOnlyList<ValidationError> Errors)> validated = new();

    /// <summary>Where the admission queue reads every FineTuneJob from (the informer's copy).</summary>
    public void UseJobIndex(Func<IEnumerable<FineTuneJob>> jobs) => knownJobs = jobs;

    /// <summary>Where the pods of a FineTuneJob (namespace, name) are read from (the pod informer's index).</summary>
    public void UsePodIndex(Func<string, string, IReadOnlyList<V1Pod>> pods) => podsOf = pods;

    /// <summary>Where the Jobs of a FineTuneJob (namespace, name) are read from (the Job informer's index) instead of a LIST.</summary>
    public void UseTrainingJobIndex(Func<string, string, IReadOnlyList<V1Job>> jobs) => trainingJobsOf = jobs;

    /// <summary>True when <paramref name="cached"/> (an informer's copy of FineTuneJob <paramref name="key"/>) shows the operator's own last write of it.</summary>
    public bool IsCurrent(string key, FineTuneJob cached) => expectations.Reflects(key, cached);

    /// <summary>Brings the children and status of <paramref name="job"/> in line with its spec.</summary>
    public async Task<ReconcileResult> ReconcileAsync(FineTuneJob job, CancellationToken cancellationToken)
    {
        if (job.Metadata.DeletionTimestamp is not null)
        {
            // Trainer pods still stopping keep their GPUs, and the job its place in the admission queue, until they are gone.
            var recheck = await finalizer.FinalizeAsync(job, cancellationToken).ConfigureAwait(false);
            if (recheck is null)
                admission.Release(AdmissionQueue.KeyOf(job));
            return new ReconcileResult(recheck);
        }
        var key = AdmissionQueue.KeyOf(job);
        var withFinalizer = await finalizer.EnsureAsync(job, cancellationToken).ConfigureAwait(false);
        if (!ReferenceEquals(withFinalizer, job))
            expectations.Wrote(key, withFinalizer.Metadata.ResourceVersion);
        job = withFinalizer;

        var ns = job.Metadata.NamespaceProperty;
        var children = await TrainingJobsAsync(job, key, cancellationToken).ConfigureAwait(false);
        var errors = Validate(job);
        var decision = admission.Decide(job, knownJobs().Select(j => AdmissionQueue.KeyOf(j) == AdmissionQueue.KeyOf(job) ? job : j)
            .Append(job).DistinctBy(AdmissionQueue.KeyOf));
        var now = time.GetUtcNow().UtcDateTime;
        now = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        var plan = planner.Plan(new ReconcileInput(job, children, errors, decision, now, podsOf(ns, job.Metadata.Name)));

        if (plan.Actions.OfType<CreateTrainingJob>().Any())
            await CheckDependenciesAsync(job, plan, cancellationToken).ConfigureAwait(false);
        await ApplyAsync(job, plan, cancellationToken).ConfigureAwait(false);
        await WriteStatusAsync(job, plan, cancellationToken).ConfigureAwait(false);
        foreach (var jobEvent in plan.Events)
            await events.RecordAsync(job, jobEvent, cancellationToken).ConfigureAwait(false);
        foreach (var stage in plan.FinishedStages)
            metrics.StageFinished(job.Spec.Method, stage.Stage, stage.Phase, stage.Duration);
        if (plan.Status.Phase is JobPhase.Succeeded or JobPhase.Failed or JobPhase.Suspended)
            admission.Release(AdmissionQueue.KeyOf(job));
        return new ReconcileResult(plan.RequeueAfter);
    }

    /// <summary>The job is gone from the API server: forget what is kept about it.</summary>
    public Task DeletedAsync(string key)
    {
        foreach (var uid in validated.Keys.Where(k => k.StartsWith(key + "/", StringComparison.Ordinal)).ToList())
            validated.TryRemove(uid, out _);
        admission.Release(key);
        expectations.Forget(key);
        logger.LogDebug("FineTuneJob {Key} is gone", key);
        return Task.CompletedTask;
    }

    private async Task CheckDependenciesAsync(FineTuneJob job, ReconcilePlan plan, CancellationToken cancellationToken)
    {
        if (job.Spec.Storage?.CredentialsSecret is not { Length: > 0 } secret)
            return;
        V1Secret found;
        try
        {
            found = await client.CoreV1.ReadNamespacedSecretAsync(secret, job.Metadata.NamespaceProperty, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            var message = $"spec.storage.credentialsSecret: Secret {job.Metadata.NamespaceProperty}/{secret} not found; create it with keys {job.Spec.Storage.AccessKeyKey} and {job.Spec.Storage.SecretKeyKey}";
            await ReportAndRetryAsync(job, plan, ConditionTypes.Ready, ConditionReasons.DependencyMissing, message, "dependency", cancellationToken).ConfigureAwait(false);
            return;
        }
        // A missing key would only show up as the pod's CreateContainerConfigError: name it before any Job exists.
        var missing = new[] { job.Spec.Storage.AccessKeyKey, job.Spec.Storage.SecretKeyKey }
            .Where(key => found.Data?.ContainsKey(key) != true && found.StringData?.ContainsKey(key) != true).ToList();
        if (missing.Count > 0)
        {
            var message = $"spec.storage: Secret {job.Metadata.NamespaceProperty}/{secret} has no key {string.Join(" and no key ", missing.Select(k => $"\"{k}\""))}; " +
                          "set spec.storage.accessKeyKey / secretKeyKey to the keys it has, or add them";
            await ReportAndRetryAsync(job, plan, ConditionTypes.Ready, ConditionReasons.DependencyMissing, message, "dependency", cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ApplyAsync(FineTuneJob job, ReconcilePlan plan, CancellationToken cancellationToken)
    {
        var ns = job.Metadata.NamespaceProperty;
        foreach (var action in plan.Actions)
        {
            switch (action)
            {
                case DeleteTrainingJobs delete:
                    foreach (var name in delete.JobNames)
                        await CleanupFinalizer.DeleteJobAsync(client, ns, name, cancellationToken, delete.WaitForPods ? "Foreground" : "Background").ConfigureAwait(false);
                    break;
                case SetTrainingJobSuspended suspend:
                    var patch = new JsonObject { ["spec"] = new JsonObject { ["suspend"] = suspend.Suspend } }.ToJsonString();
                    await client.BatchV1.PatchNamespacedJobAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), suspend.JobName, ns,
                        cancellationToken: cancellationToken).ConfigureAwait(false);
                    break;
                case EnsureRunResources resources:
                    await CreateAsync(job, plan, () => client.CoreV1.CreateNamespacedServiceAccountAsync(resources.ServiceAccount, ns, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
                    await CreateAsync(job, plan, () => client.RbacAuthorizationV1.CreateNamespacedRoleAsync(resources.Role, ns, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
                    await CreateAsync(job, plan, () => client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(resources.RoleBinding, ns, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
                    await CreateAsync(job, plan, () => client.CoreV1.CreateNamespacedConfigMapAsync(resources.ConfigMap, ns, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
                    break;
                case CreateTrainingJob create:
                    await CreateAsync(job, plan, () => client.BatchV1.CreateNamespacedJobAsync(create.Job, ns, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
                    expectations.Created(AdmissionQueue.KeyOf(job), create.Job.Metadata.Name);
                    break;
            }
        }
    }

    /// <summary>Creates a child; one that exists already (same deterministic name) is what we wanted.</summary>
    private async Task CreateAsync<T>(FineTuneJob job, ReconcilePlan plan, Func<Task<T>> create, CancellationToken cancellationToken)
    {
        try
        {
            await create().ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // AlreadyExists: created by an earlier reconcile (maybe of a previous operator process).
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest)
        {
            var message = $"creating a {typeof(T).Name[2..]} was refused by the API server (HTTP {(int)ex.Response.StatusCode}): {ServerMessage(ex)}";
            var kind = ex.Response.StatusCode == HttpStatusCode.Forbidden ? "forbidden" : "invalid";
            await ReportAndRetryAsync(job, plan, ConditionTypes.Running, ConditionReasons.JobCreationFailed, message, kind, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes a failure condition and a Warning event, then fails the reconcile so it is retried with backoff.</summary>
    private async Task ReportAndRetryAsync(FineTuneJob job, ReconcilePlan plan, string conditionType, string reason, string message,
        string kind, CancellationToken cancellationToken)
    {
        // What is stored decides whether this is news: the plan's conditions were already moved on by the planner.
        var previous = Conditions.Find(job.Status?.Conditions, conditionType);
        var status = job.Status is null ? new FineTuneJobStatus() : KubernetesJson.Deserialize<FineTuneJobStatus>(KubernetesJson.Serialize(job.Status));
        // Keep a new run's id and stage plan (the Jobs to create next time derive their names from it).
        status.RunId = plan.Status.RunId;
        status.SpecHash = plan.Status.SpecHash;
        status.Stages = plan.Status.Stages;
        status.ObservedGeneration = plan.Status.ObservedGeneration;
        status.Conditions = plan.Status.Conditions;
        status.Conditions ??= [];
        Conditions.Set(status.Conditions, conditionType, ConditionStatus.False, reason, message, job.Metadata.Generation, time.GetUtcNow().UtcDateTime);
        var failed = new ReconcilePlan { Status = status };
        await WriteStatusAsync(job, failed, cancellationToken).ConfigureAwait(false);
        if (previous?.Reason != reason || previous.Message != message)
            await events.RecordAsync(job, JobEvent.Warning(reason, message), cancellationToken).ConfigureAwait(false);
        throw new ReconcileRetryException(message, kind);
    }

    private async Task WriteStatusAsync(FineTuneJob job, ReconcilePlan plan, CancellationToken cancellationToken)
    {
        if (!plan.ClearTrainerFields && !StatusPatch.Differs(job.Status, plan.Status))
            return;
        var body = StatusPatch.Build(plan.Status, plan.ClearTrainerFields);
        var stored = await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync<FineTuneJob>(new V1Patch(body, V1Patch.PatchType.MergePatch),
            FineTuneJobApi.Group, FineTuneJobApi.Version, job.Metadata.NamespaceProperty, FineTuneJobApi.Plural, job.Metadata.Name,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        expectations.Wrote(AdmissionQueue.KeyOf(job), stored?.Metadata?.ResourceVersion);
    }

    /// <summary>
    /// The Jobs of <paramref name="job"/>: from the informer's index when it holds every Job this operator created for
    /// it, else (no index, or the cache lags behind a create) listed from the API server.
    /// </summary>
    private async Task<List<V1Job>> TrainingJobsAsync(FineTuneJob job, string key, CancellationToken cancellationToken)
    {
        var ns = job.Metadata.NamespaceProperty;
        if (trainingJobsOf?.Invoke(ns, job.Metadata.Name) is { } cached && expectations.Reflects(key, cached))
            return cached.ToList();
        var listed = await client.BatchV1.ListNamespacedJobAsync(ns, labelSelector: Labels.SelectorFor(job.Metadata.Name),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        expectations.Listed(key);
        return listed.Items.ToList();
    }

    private IReadOnlyList<ValidationError> Validate(FineTuneJob job)
    {
        var cacheKey = $"{AdmissionQueue.KeyOf(job)}/{job.Metadata.Uid}";
        var generation = job.Metadata.Generation ?? 0;
        if (validated.TryGetValue(cacheKey, out var cached) && cached.Generation == generation)
            return cached.Errors;
        var errors = FineTuneJobValidator.Validate(WithoutStatus(job));
        validated[cacheKey] = (generation, errors);
        return errors;
    }

    private static FineTuneJob WithoutStatus(FineTuneJob job) => new()
    {
        ApiVersion = job.ApiVersion,
        Kind = job.Kind,
        Metadata = new V1ObjectMeta { Name = job.Metadata.Name, NamespaceProperty = job.Metadata.NamespaceProperty },
        Spec = job.Spec,
    };

    private static string ServerMessage(HttpOperationException ex)
    {
        try
        {
            return KubernetesJson.Deserialize<V1Status>(ex.Response.Content)?.Message ?? ex.Message;
        }
        catch (Exception)
        {
            return ex.Message;
        }
    }
}
