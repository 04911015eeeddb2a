using System.Globalization;
using FineTune.Api.V1Alpha1;
using FineTune.Operator.Builders;
using FineTune.Operator.Configuration;
using FineTune.Operator.Status;
using k8s;
using k8s.Models;

namespace FineTune.Operator.Reconciliation;

/// <summary>
/// The reconcile decision as a pure function: from a FineTuneJob, its Jobs, the validation result, the admission
/// decision and the time, it computes the desired status, the child changes and the events. Level-based: the same
/// input gives the same plan, and applying a plan then planning again changes nothing more.
/// </summary>
public sealed class RunPlanner(OperatorOptions options)
{
    /// <summary>Decides what to do about <paramref name="input"/>.</summary>
    public ReconcilePlan Plan(ReconcileInput input) => new Pass(options, input).Run();

    /// <summary>One reconcile's working state.</summary>
    private sealed class Pass(OperatorOptions options, ReconcileInput input)
    {
        private readonly FineTuneJob job = input.Job;
        private readonly FineTuneJobSpec spec = input.Job.Spec;
        private readonly DateTime now = input.Now;
        private readonly long generation = input.Job.Metadata.Generation ?? 1;
        private readonly FineTuneJobStatus status = Clone(input.Job.Status);
        private List<Condition> Conds => status.Conditions!;
        private ReconcilePlan plan = null!;

        public ReconcilePlan Run()
        {
            status.Conditions ??= [];
            plan = new ReconcilePlan { Status = status };
            status.ObservedGeneration = generation;

            if (input.ValidationErrors.Count > 0)
                return Invalid();
            Conditions.Set(Conds, ConditionTypes.Ready, ConditionStatus.True, ConditionReasons.SpecValid, null, generation, now);

            var hash = SpecHasher.Hash(spec);
            if (status.RunId is null)
                return StartRun(hash, "RunStarted", "first run");
            if (status.SpecHash != hash)
            {
                if (IsFinished(status.Phase))
                {
                    Archive(status.Phase!.Value, status.Phase == JobPhase.Failed ? Find(ConditionTypes.Succeeded)?.Message : null);
                    return StartRun(hash, "RunStarted", "the training spec changed after the last run finished");
                }
                if (spec.RunPolicy.OnSpecChange == SpecChangePolicy.Restart)
                {
                    Archive(JobPhase.Failed, $"{ConditionReasons.Superseded}: the spec changed during the run");
                    return StartRun(hash, "RunRestarted", "the training spec changed during the run (onSpecChange restart)");
                }
                // ignoreUntilFinished: the current run goes on with the manifest in its ConfigMap.
            }

            if (IsFinished(status.Phase))
                return Finished();
            if (DeadlinePassed())
                return plan;
            if (spec.RunPolicy.Suspend && Suspend())
                return plan;
            if (!Admit())
                return plan;
            WalkStages();
            return plan;
        }

        private ReconcilePlan Invalid()
        {
            var message = string.Join("; ", input.ValidationErrors.Select(e => e.ToString()));
            var previous = Find(ConditionTypes.Ready);
            Conditions.Set(Conds, ConditionTypes.Ready, ConditionStatus.False, ConditionReasons.InvalidSpec, message, generation, now);
            if (previous is null || previous.Reason != ConditionReasons.InvalidSpec || previous.Message != message)
                plan.Events.Add(JobEvent.Warning(ConditionReasons.InvalidSpec, message));
            // A spec edited into an invalid one during a run fails the run: its pods stop, so the phase tells the truth.
            StopRunJobs();
            if (status.Phase is not (JobPhase.Failed or JobPhase.Succeeded) && status.RunId is not null)
                status.CompletionTime = now;
            status.Phase = JobPhase.Failed;
            return plan; // terminal until the spec changes: no requeue
        }

        private ReconcilePlan StartRun(string hash, string reason, string why)
        {
            var runId = $"{now.ToString("yyyyMMdd't'HHmmss", CultureInfo.InvariantCulture)}-g{generation}";
            var runShort = ResourceNames.RunShort(runId);
            // Jobs of earlier runs that still run are stopped; finished ones stay until their TTL.
            var stale = input.Jobs
                .Where(j => RunLabel(j) != runShort && !IsDone(j))
                .Select(j => j.Metadata.Name).ToList();
            if (stale.Count > 0)
                plan.Actions.Add(new DeleteTrainingJobs(stale));

            status.RunId = runId;
            status.SpecHash = hash;
            status.Stages = StagePlan.For(spec)
                .Select(s => new StageStatus { Name = s.Name, Iteration = s.Iteration, Phase = StagePhase.Pending })
                .ToList();
            status.CurrentStage = status.Stages[0].Name;
            status.Phase = JobPhase.Pending;
            status.StartTime = null;
            status.CompletionTime = null;
            status.Queue = null;
            Conditions.Set(Conds, ConditionTypes.Admitted, ConditionStatus.False, ConditionReasons.AwaitingAdmission, $"run {runId} waits for admission", generation, now);
            Conditions.Set(Conds, ConditionTypes.Running, ConditionStatus.False, ConditionReasons.StagePending, $"run {runId} created", generation, now);
            Conditions.Set(Conds, ConditionTypes.Succeeded, ConditionStatus.False, ConditionReasons.InProgress, null, generation, now);
            if (Find(ConditionTypes.Suspended) is not null)
                Conditions.Set(Conds, ConditionTypes.Suspended, ConditionStatus.False, ConditionReasons.NotSuspended, null, generation, now);
            plan.ClearTrainerFields = true;
            plan.Events.Add(JobEvent.Normal(reason, $"run {runId} for generation {generation}: {why}"));
            // The run id is persisted before any Job is created, so a restarted operator derives the same Job names.
            plan.RequeueAfter = TimeSpan.Zero;
            return plan;
        }

        private ReconcilePlan Finished()
        {
            var ttl = spec.RunPolicy.TtlSecondsAfterFinished;
            if (ttl is null || status.CompletionTime is null)
                return plan;
            var expiry = status.CompletionTime.Value.AddSeconds(ttl.Value);
            if (now < expiry)
            {
                plan.RequeueAfter = expiry - now;
                return plan;
            }
            var remaining = input.Jobs.Select(j => j.Metadata.Name).ToList();
            if (remaining.Count > 0)
            {
                plan.Actions.Add(new DeleteTrainingJobs(remaining));
                plan.Events.Add(JobEvent.Normal("JobsCleanedUp", $"ttlSecondsAfterFinished ({ttl}s) passed: deleted {remaining.Count} Job(s) and their pods"));
            }
            return plan;
        }

        private bool DeadlinePassed()
        {
            if (spec.RunPolicy.ActiveDeadlineSeconds is not { } seconds || status.StartTime is not { } start)
                return false;
            var deadline = start.AddSeconds(seconds);
            if (now < deadline)
                return false;
            StopRunJobs();
            foreach (var stage in Stages().Where(s => s.Phase is StagePhase.Running or StagePhase.Suspended or StagePhase.Pending && s.JobName is not null))
            {
                stage.Phase = StagePhase.Failed;
                stage.CompletionTime = now;
                stage.Message = "activeDeadlineSeconds passed";
            }
            FailRun(ConditionReasons.DeadlineExceeded, $"the run exceeded activeDeadlineSeconds ({seconds}s)");
            return true;
        }

        /// <summary>Returns true when the pass ends here (the run is, or is being, suspended).</summary>
        private bool Suspend()
        {
            var stage = CurrentStage();
            var k8sJob = stage is null ? null : JobOf(stage);
            var stopped = true;
            if (k8sJob is not null && stage is not null && spec.Scheduling.Kueue)
            {
                // Kueue starts an admitted Job again when anyone else sets spec.suspend, so a Kueue-managed run is
                // suspended by deleting its Job (the trainer checkpoints on SIGTERM; Foreground: the Job stays until
                // its pods stop). On resume a new suspended Job goes back to the LocalQueue and resumes from the checkpoint.
                if (k8sJob.Metadata.DeletionTimestamp is null)
                    plan.Actions.Add(new DeleteTrainingJobs([k8sJob.Metadata.Name], WaitForPods: true));
                stopped = false;
            }
            else if (stage is not null && spec.Scheduling.Kueue && stage.JobName is not null)
            {
                stage.Phase = StagePhase.Suspended;
            }
            else if (k8sJob is not null && stage is not null)
            {
                if (k8sJob.Spec?.Suspend != true)
                    plan.Actions.Add(new SetTrainingJobSuspended(k8sJob.Metadata.Name, true));
                stopped = (k8sJob.Status?.Active ?? 0) == 0 && k8sJob.Spec?.Suspend == true;
                if (stopped)
                    stage.Phase = StagePhase.Suspended;
            }
            if (!stopped)
            {
                Conditions.Set(Conds, ConditionTypes.Suspended, ConditionStatus.True, ConditionReasons.Suspending,
                    $"stage {stage!.Name} is writing a checkpoint and stopping", generation, now);
                plan.RequeueAfter = options.RunningRequeue;
                return true;
            }
            var wasSuspended = status.Phase == JobPhase.Suspended;
            status.Phase = JobPhase.Suspended;
            status.Queue = null;
            Conditions.Set(Conds, ConditionTypes.Suspended, ConditionStatus.True, ConditionReasons.SuspendedByUser,
                stage is null ? "suspended" : $"suspended at stage {stage.Name}; it resumes from its last checkpoint", generation, now);
            Conditions.Set(Conds, ConditionTypes.Running, ConditionStatus.False, ConditionReasons.SuspendedByUser, null, generation, now);
            // A suspended run gives its GPUs back to the queue and is admitted again on resume.
            Conditions.Set(Conds, ConditionTypes.Admitted, ConditionStatus.False, ConditionReasons.SuspendedByUser, "capacity released while suspended", generation, now);
            if (!wasSuspended)
                plan.Events.Add(JobEvent.Normal("Suspended", stage is null ? "run suspended" : $"run suspended at stage {stage.Name} (iteration {stage.Iteration})"));
            return true;
        }

        /// <summary>Returns true when the run is admitted and may go on.</summary>
        private bool Admit()
        {
            if (Conditions.IsTrue(Conds, ConditionTypes.Admitted))
                return true;
            var decision = input.Admission;
            if (decision.Admitted)
            {
                var reason = spec.Scheduling.Kueue ? ConditionReasons.DelegatedToKueue : ConditionReasons.CapacityAvailable;
                Conditions.Set(Conds, ConditionTypes.Admitted, ConditionStatus.True, reason, decision.Message, generation, now);
                status.Queue = new QueueStatus { Name = decision.Queue, Position = 0 };
                status.StartTime ??= now;
                // Admission straight away is part of starting; only the end of a wait is worth an event.
                if (status.Phase == JobPhase.Queued)
                    plan.Events.Add(JobEvent.Normal("Admitted", $"admitted by queue {decision.Queue}: {decision.Message}"));
                return true;
            }
            var wasQueued = status.Phase == JobPhase.Queued;
            status.Phase = JobPhase.Queued;
            status.Queue = new QueueStatus { Name = decision.Queue, Position = decision.Position };
            Conditions.Set(Conds, ConditionTypes.Admitted, ConditionStatus.False, ConditionReasons.WaitingForCapacity, decision.Message, generation, now);
            Conditions.Set(Conds, ConditionTypes.Running, ConditionStatus.False, ConditionReasons.Queued, decision.Message, generation, now);
            if (!wasQueued)
                plan.Events.Add(JobEvent.Normal("Queued", decision.Message));
            plan.RequeueAfter = options.QueuedRequeue;
            return false;
        }

        private void WalkStages()
        {
            var stages = Stages();
            var inputs = new Dictionary<string, string>();
            foreach (var stage in stages)
            {
                if (stage.Phase == StagePhase.Succeeded)
                {
                    if (stage.Output is not null)
                        inputs[stage.Name] = stage.Output;
                    continue;
                }
                status.CurrentStage = stage.Name;
                var k8sJob = JobOf(stage);
                if (k8sJob is null)
                {
                    CreateStageJob(stage, inputs);
                    return;
                }
                if (k8sJob.Metadata.DeletionTimestamp is not null)
                {
                    // The Job of a suspension is still stopping its pods: its successor waits.
                    Conditions.Set(Conds, ConditionTypes.Running, ConditionStatus.False, ConditionReasons.StagePending,
                        $"stage {Describe(stage)}: waiting for Job {k8sJob.Metadata.Name} to stop before starting again", generation, now);
                    Requeue();
                    return;
                }
                var state = TrainingJobState.Of(k8sJob);
                var pods = PodDiagnosis.Of(k8sJob.Metadata.Name, input.Pods ?? [], TrainingJobBuilder.ContainerName);
                stage.JobName = k8sJob.Metadata.Name;
                stage.Attempts = Math.Max(stage.Attempts, state.Attempts);
                // Exit 2 (invalid input) and 3 (diverged) are final even where the Job's podFailurePolicy did not
                // apply (clusters without it, or a Job still counting the pod): retrying cannot help. The Job is
                // suspended, not deleted: suspension stops any replacement pod while the failed pod, which carries
                // the trainer's exit message and log for `kubectl logs`, stays until ttlSecondsAfterFinished.
                if (state.Phase is not (TrainingJobPhase.Succeeded or TrainingJobPhase.Failed) && pods.LastFailure is { IsFinal: true })
                {
                    if (k8sJob.Spec?.Suspend != true)
                        plan.Actions.Add(new SetTrainingJobSuspended(k8sJob.Metadata.Name, true));
                    state = state with { Phase = TrainingJobPhase.Failed, Message = null, CompletionTime = null };
                }
                switch (state.Phase)
                {
                    case TrainingJobPhase.Succeeded:
                        stage.Phase = StagePhase.Succeeded;
                        stage.CompletionTime ??= state.CompletionTime ?? now;
                        stage.Output = OutputLayout.StageOutput(spec, status.RunId!, new StageRef(stage.Name, stage.Iteration));
                        inputs[stage.Name] = stage.Output;
                        plan.FinishedStages.Add(new FinishedStage(stage.Name, StagePhase.Succeeded, Duration(stage)));
                        plan.Events.Add(JobEvent.Normal("StageSucceeded", $"stage {Describe(stage)} succeeded after {stage.Attempts} attempt(s)"));
                        continue;
                    case TrainingJobPhase.Failed when AwaitingPodFacts(state, pods) is { } wait:
                        // The Job's failure and its pod's termination arrive on different watches; the pod carries the
                        // trainer's exit code and message, which the final status must not miss. Wait briefly for it.
                        plan.RequeueAfter = wait;
                        return;
                    case TrainingJobPhase.Failed:
                        stage.Phase = StagePhase.Failed;
                        stage.CompletionTime ??= state.CompletionTime ?? now;
                        stage.Message = (state.Message, pods.LastFailure) switch
                        {
                            (null, { } exit) => exit.ToString(),
                            ({ } message, { } exit) => $"{message}; {exit}",
                            (var message, null) => message,
                        };
                        plan.FinishedStages.Add(new FinishedStage(stage.Name, StagePhase.Failed, Duration(stage)));
                        plan.Events.Add(JobEvent.Warning(ConditionReasons.StageFailed, $"stage {Describe(stage)} failed after {stage.Attempts} attempt(s): {stage.Message}"));
                        FailRun(ConditionReasons.StageFailed, $"stage {Describe(stage)} failed: {stage.Message}");
                        return;
                    default:
                        Progressing(stage, k8sJob, state, pods);
                        return;
                }
            }
            Succeed(stages);
        }

        private void CreateStageJob(StageStatus stage, Dictionary<string, string> inputs)
        {
            var stageRef = new StageRef(stage.Name, stage.Iteration);
            var k8sJob = TrainingJobBuilder.Build(job, status.RunId!, stageRef, inputs, options);
            if (status.Stages!.IndexOf(stage) == 0)
                plan.Actions.Add(new EnsureRunResources(RunConfigMapBuilder.Build(job, status.RunId!),
                    TrainerRbacBuilder.ServiceAccount(job), TrainerRbacBuilder.Role(job), TrainerRbacBuilder.RoleBinding(job)));
            plan.Actions.Add(new CreateTrainingJob(k8sJob));
            MarkResumed(stage);
            stage.JobName = k8sJob.Metadata.Name;
            stage.StartTime ??= now;
            stage.Phase = StagePhase.Pending;
            status.Phase = JobPhase.Pending;
            Conditions.Set(Conds, ConditionTypes.Running, ConditionStatus.False, ConditionReasons.StagePending,
                $"stage {Describe(stage)}: Job {k8sJob.Metadata.Name} created", generation, now);
            plan.Events.Add(JobEvent.Normal("StageStarted", $"created Job {k8sJob.Metadata.Name} for stage {Describe(stage)}"));
            Requeue();
        }

        private void Progressing(StageStatus stage, V1Job k8sJob, TrainingJobState state, PodDiagnosis pods)
        {
            var previousRunning = Find(ConditionTypes.Running);
            if (pods.LastFailure is { } retried)
            {
                var message = $"retrying after {retried}";
                if (stage.Message != message)
                    plan.Events.Add(JobEvent.Warning("StageRetrying", $"stage {Describe(stage)}: {message}"));
                stage.Message = message;
            }
            if (k8sJob.Spec?.Suspend == true && !spec.Scheduling.Kueue)
                plan.Actions.Add(new SetTrainingJobSuspended(k8sJob.Metadata.Name, false));
            MarkResumed(stage);
            // A Job counts a pod that waits to be scheduled or for its image as active: the pod says it is not running.
            var phase = state.Phase == TrainingJobPhase.Running && pods.Waiting is not null ? TrainingJobPhase.Pending : state.Phase;
            switch (phase)
            {
                case TrainingJobPhase.Running:
                    stage.Phase = StagePhase.Running;
                    status.Phase = JobPhase.Running;
                    Conditions.Set(Conds, ConditionTypes.Running, ConditionStatus.True, ConditionReasons.StageRunning,
                        $"stage {Describe(stage)}, attempt {Math.Max(1, stage.Attempts)}", generation, now);
                    break;
                case TrainingJobPhase.Suspended when spec.Scheduling.Kueue:
                    stage.Phase = StagePhase.Pending;
                    status.Phase = JobPhase.Queued;
                    Conditions.Set(Conds, ConditionTypes.Running, ConditionStatus.False, ConditionReasons.Queued,
                        $"Job {k8sJob.Metadata.Name} waits for Kueue to admit it", generation, now);
                    break;
                default:
                    stage.Phase = StagePhase.Pending;
                    status.Phase = JobPhase.Pending;
                    if (pods.Waiting is var (reason, why))
                    {
                        // A pod that cannot start is a fact the user must act on: condition and one event per change.
                        var message = $"stage {Describe(stage)}: {why}";
                        Conditions.Set(Conds, ConditionTypes.Running, ConditionStatus.False, reason, message, generation, now);
                        if (previousRunning?.Message != message)
                            plan.Events.Add(JobEvent.Warning(reason, message));
                        break;
                    }
                    Conditions.Set(Conds, ConditionTypes.Running, ConditionStatus.False, ConditionReasons.StagePending,
                        $"stage {Describe(stage)}: waiting for the pod of Job {k8sJob.Metadata.Name}", generation, now);
                    break;
            }
            Conditions.Set(Conds, ConditionTypes.Succeeded, ConditionStatus.False, ConditionReasons.InProgress, null, generation, now);
            Requeue();
        }

        private void MarkResumed(StageStatus stage)
        {
            if (!Conditions.IsTrue(Conds, ConditionTypes.Suspended))
                return;
            Conditions.Set(Conds, ConditionTypes.Suspended, ConditionStatus.False, ConditionReasons.Resumed,
                $"resumed at stage {Describe(stage)} from its last checkpoint", generation, now);
            plan.Events.Add(JobEvent.Normal(ConditionReasons.Resumed, $"run resumed at stage {Describe(stage)}"));
        }

        private void Succeed(List<StageStatus> stages)
        {
            var last = stages[^1];
            status.Phase = JobPhase.Succeeded;
            status.CompletionTime = now;
            status.CurrentStage = last.Name;
            status.Outputs = OutputLayout.RunOutputs(spec, last.Output ?? OutputLayout.StageOutput(spec, status.RunId!, new StageRef(last.Name, last.Iteration)));
            Conditions.Set(Conds, ConditionTypes.Running, ConditionStatus.False, ConditionReasons.Finished, null, generation, now);
            Conditions.Set(Conds, ConditionTypes.Succeeded, ConditionStatus.True, ConditionReasons.AllStagesSucceeded,
                $"{stages.Count} stage(s) succeeded", generation, now);
            plan.Events.Add(JobEvent.Normal("RunSucceeded", $"run {status.RunId} succeeded; outputs under {OutputLayout.RunPrefix(spec, status.RunId!)}"));
            if (spec.RunPolicy.TtlSecondsAfterFinished is { } ttl)
                plan.RequeueAfter = TimeSpan.FromSeconds(ttl);
        }

        private void FailRun(string reason, string message)
        {
            status.Phase = JobPhase.Failed;
            status.CompletionTime = now;
            Conditions.Set(Conds, ConditionTypes.Running, ConditionStatus.False, ConditionReasons.Finished, null, generation, now);
            Conditions.Set(Conds, ConditionTypes.Succeeded, ConditionStatus.False, reason, message, generation, now);
            plan.Events.Add(JobEvent.Warning("RunFailed", $"run {status.RunId} failed: {message}"));
            if (spec.RunPolicy.TtlSecondsAfterFinished is { } ttl)
                plan.RequeueAfter = TimeSpan.FromSeconds(ttl);
        }

        private void StopRunJobs()
        {
            var running = input.Jobs.Where(j => !IsDone(j)).Select(j => j.Metadata.Name).ToList();
            if (running.Count > 0)
                plan.Actions.Add(new DeleteTrainingJobs(running));
        }

        private void Archive(JobPhase phase, string? message)
        {
            if (status.RunId is null)
                return;
            status.History ??= [];
            if (status.History.Any(r => r.RunId == status.RunId))
                return;
            status.History.Insert(0, new RunRecord
            {
                RunId = status.RunId,
                Generation = RunGeneration(status.RunId),
                Phase = phase,
                StartTime = status.StartTime,
                CompletionTime = status.CompletionTime ?? now,
                Outputs = phase == JobPhase.Succeeded ? status.Outputs : null,
                Message = message,
            });
            var limit = Math.Max(0, spec.RunPolicy.HistoryLimit);
            if (status.History.Count > limit)
                status.History.RemoveRange(limit, status.History.Count - limit);
        }

        /// <summary>
        /// How long to wait for the failed attempt's pod to show up terminated in the pod cache, or null when its facts
        /// are in (or pods are not watched, or the grace has passed: a pod already removed never arrives).
        /// </summary>
        private TimeSpan? AwaitingPodFacts(TrainingJobState state, PodDiagnosis pods)
        {
            if (input.Pods is null || pods.LastFailure is not null || state.CompletionTime is not { } failedAt)
                return null;
            var left = (failedAt.Kind == DateTimeKind.Local ? failedAt.ToUniversalTime() : failedAt) + PodFactsGrace - now;
            return left > TimeSpan.Zero ? left : null;
        }

        private static readonly TimeSpan PodFactsGrace = TimeSpan.FromSeconds(5);

        private void Requeue()
        {
            var after = options.RunningRequeue;
            if (spec.RunPolicy.ActiveDeadlineSeconds is { } seconds && status.StartTime is { } start)
            {
                var left = start.AddSeconds(seconds) - now;
                if (left < after)
                    after = left < TimeSpan.Zero ? TimeSpan.Zero : left;
            }
            plan.RequeueAfter = after;
        }

        private List<StageStatus> Stages() => status.Stages ??= [];

        private StageStatus? CurrentStage() => Stages().FirstOrDefault(s => s.Phase != StagePhase.Succeeded);

        private V1Job? JobOf(StageStatus stage)
        {
            var name = ResourceNames.TrainingJob(job.Metadata.Name, status.RunId!, stage.Name, stage.Iteration);
            return input.Jobs.FirstOrDefault(j => j.Metadata.Name == name);
        }

        private Condition? Find(string type) => Conditions.Find(Conds, type);

        private TimeSpan Duration(StageStatus stage)
            => stage.StartTime is { } start && stage.CompletionTime is { } end && end > start ? end - start : TimeSpan.Zero;

        private string Describe(StageStatus stage)
            => spec.Rlhf is { Iterations: > 1 } rlhf ? $"{stage.Name} (iteration {stage.Iteration}/{rlhf.Iterations})" : stage.Name;

        private static bool IsFinished(JobPhase? phase) => phase is JobPhase.Succeeded or JobPhase.Failed;

        private static bool IsDone(V1Job job)
            => TrainingJobState.Of(job).Phase is TrainingJobPhase.Succeeded or TrainingJobPhase.Failed;

        private static string? RunLabel(V1Job job)
            => job.Metadata.Labels is { } labels && labels.TryGetValue(Labels.Run, out var run) ? run : null;

        private static long RunGeneration(string runId)
        {
            var marker = runId.LastIndexOf("-g", StringComparison.Ordinal);
            return marker >= 0 && long.TryParse(runId[(marker + 2)..], CultureInfo.InvariantCulture, out var g) ? g : 0;
        }

        private static FineTuneJobStatus Clone(FineTuneJobStatus? status)
            => status is null ? new FineTuneJobStatus() : KubernetesJson.Deserialize<FineTuneJobStatus>(KubernetesJson.Serialize(status));
    }
}
