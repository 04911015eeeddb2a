using System.Text.Json;
using FineTune.Api.Contract;
using FineTune.Api.Validation;
using FineTune.Api.V1Alpha1;
using FineTune.Operator.Builders;
using FineTune.Operator.Configuration;
using FineTune.Operator.Reconciliation;
using FineTune.Operator.Scheduling;
using FineTune.Operator.Status;
using FineTune.Operator.Tests.Support;
using k8s.Models;

namespace FineTune.Operator.Tests.Reconciliation;

public class RunPlannerTests
{
    [Fact]
    public void First_reconcile_persists_a_run_before_creating_any_job()
    {
        var sim = new PlanSimulator(TestJobs.Lora());
        var plan = sim.Step();
        Assert.Empty(plan.Actions);
        Assert.Equal(TimeSpan.Zero, plan.RequeueAfter);
        Assert.True(plan.ClearTrainerFields);
        Assert.Equal(JobPhase.Pending, sim.Status.Phase);
        Assert.Equal("20261128t110000-g1", sim.Status.RunId);
        Assert.Equal(SpecHasher.Hash(sim.Job.Spec), sim.Status.SpecHash);
        var stage = Assert.Single(sim.Status.Stages!);
        Assert.Equal(("train", StagePhase.Pending), (stage.Name, stage.Phase));
        Assert.Contains(plan.Events, e => e.Reason == "RunStarted");
    }

    [Fact]
    public void Single_stage_job_goes_pending_running_succeeded()
    {
        var sim = new PlanSimulator(TestJobs.Lora());
        sim.Step();
        var plan = sim.Step();
        Assert.IsType<EnsureRunResources>(plan.Actions[0]);
        var created = Assert.IsType<CreateTrainingJob>(plan.Actions[1]).Job;
        Assert.Equal(ResourceNames.TrainingJob("support-bot", sim.Status.RunId!, "train", 1), created.Metadata.Name);
        Assert.Equal(JobPhase.Pending, sim.Status.Phase);
        Assert.True(Conditions.IsTrue(sim.Status.Conditions, ConditionTypes.Admitted));

        sim.Run(sim.Current());
        sim.Step();
        Assert.Equal(JobPhase.Running, sim.Status.Phase);
        Assert.True(Conditions.IsTrue(sim.Status.Conditions, ConditionTypes.Running));
        Assert.Equal(StagePhase.Running, sim.Status.Stages![0].Phase);

        sim.Now = sim.Now.AddHours(2);
        sim.Succeed(sim.Current());
        plan = sim.Step();
        Assert.Equal(JobPhase.Succeeded, sim.Status.Phase);
        Assert.True(Conditions.IsTrue(sim.Status.Conditions, ConditionTypes.Succeeded));
        Assert.Equal($"s3://runs/support-bot/{sim.Status.RunId}/train/adapter/", sim.Status.Outputs!.Adapter);
        Assert.Null(sim.Status.Outputs.Merged);
        Assert.Contains(plan.FinishedStages, f => f.Stage == "train" && f.Duration == TimeSpan.FromHours(2));
        Assert.Contains(plan.Events, e => e.Reason == "RunSucceeded");
        Assert.Single(sim.Created);
    }

    [Fact]
    public void Steady_state_is_a_fixed_point()
    {
        var sim = new PlanSimulator(TestJobs.Lora());
        sim.Settle();
        sim.Run(sim.Current());
        sim.Settle();
        var before = sim.Job.Status;
        var plan = sim.Step();
        Assert.Empty(plan.Actions);
        Assert.Empty(plan.Events);
        Assert.False(StatusPatch.Differs(before, plan.Status));
        Assert.Single(sim.Created);
    }

    [Fact]
    public void Rlhf_stages_start_in_order_each_with_the_outputs_before_it()
    {
        var sim = new PlanSimulator(TestJobs.Rlhf());
        sim.Settle();
        Assert.Equal(["sft", "reward", "ppo"], sim.Status.Stages!.Select(s => s.Name));
        foreach (var (stage, expectedInputs) in new[] { ("sft", new string[0]), ("reward", ["sft"]), ("ppo", new[] { "sft", "reward" }) })
        {
            var current = sim.Current();
            Assert.Equal(stage, current.Metadata.Labels[Labels.Stage]);
            Assert.Equal(sim.Created.Count, sim.Jobs.Count);
            var inputs = JsonSerializer.Deserialize<Dictionary<string, string>>(
                current.Spec.Template.Spec.Containers[0].Env.Single(e => e.Name == TrainerEnvironment.StageInputs).Value)!;
            Assert.Equal(expectedInputs.Order(), inputs.Keys.Order());
            foreach (var (name, uri) in inputs)
                Assert.Equal($"s3://runs/support-bot/{sim.Status.RunId}/{name}/", uri);
            Assert.Equal(stage, sim.Status.CurrentStage);
            sim.Run(current);
            sim.Settle();
            Assert.Equal(JobPhase.Running, sim.Status.Phase);
            sim.Succeed(current);
            sim.Settle();
        }
        Assert.Equal(JobPhase.Succeeded, sim.Status.Phase);
        Assert.All(sim.Status.Stages!, s => Assert.Equal(StagePhase.Succeeded, s.Phase));
        Assert.Equal(3, sim.Created.Count);
        Assert.StartsWith($"s3://runs/support-bot/{sim.Status.RunId}/ppo/", sim.Status.Outputs!.Adapter);
    }

    [Fact]
    public void Rlhf_iterations_repeat_the_stages_with_distinct_jobs()
    {
        var sim = new PlanSimulator(TestJobs.Rlhf(iterations: 2, dpo: true));
        sim.Settle();
        Assert.Equal(["sft/1", "dpo/1", "sft/2", "dpo/2"], sim.Status.Stages!.Select(s => $"{s.Name}/{s.Iteration}"));
        for (var i = 0; i < 4; i++)
        {
            sim.Succeed(sim.Current());
            sim.Settle();
        }
        Assert.Equal(JobPhase.Succeeded, sim.Status.Phase);
        Assert.Equal(4, sim.Created.Distinct().Count());
        Assert.EndsWith("/dpo-2/adapter/", sim.Status.Outputs!.Adapter);
    }

    [Fact]
    public void Failed_stage_fails_the_run_and_stops_the_pipeline()
    {
        var sim = new PlanSimulator(TestJobs.Rlhf());
        sim.Settle();
        sim.Fail(sim.Current(), "BackoffLimitExceeded", "Job has reached the specified backoff limit", failed: 4);
        var plan = sim.Step();
        Assert.Equal(JobPhase.Failed, sim.Status.Phase);
        var sft = sim.Status.Stages![0];
        Assert.Equal((StagePhase.Failed, 4), (sft.Phase, sft.Attempts));
        Assert.Contains("BackoffLimitExceeded", sft.Message);
        var succeeded = Conditions.Find(sim.Status.Conditions, ConditionTypes.Succeeded)!;
        Assert.Equal((ConditionStatus.False, ConditionReasons.StageFailed), (succeeded.Status, succeeded.Reason));
        Assert.Contains(plan.Events, e => e.Type == "Warning" && e.Reason == "RunFailed");
        sim.Settle();
        Assert.Single(sim.Created);
        Assert.Null(sim.Last.RequeueAfter);
    }

    [Fact]
    public void Failed_job_waits_briefly_for_its_pods_exit_code_before_the_final_status()
    {
        var sim = new PlanSimulator(TestJobs.Lora()) { Pods = [] };
        sim.Settle();
        var k8sJob = sim.Current();
        sim.Fail(k8sJob, "PodFailurePolicy", "Container trainer failed with exit code 2 matching FailJob rule at index 0", failed: 1);

        // The Job's failure came first; its pod's termination is not in the cache yet.
        var waiting = sim.Step();
        Assert.NotEqual(JobPhase.Failed, sim.Status.Phase);
        Assert.True(waiting.RequeueAfter is { } after && after <= TimeSpan.FromSeconds(5), $"requeue {waiting.RequeueAfter}");

        sim.Pods.Add(FailedPod(k8sJob, sim.Now, exitCode: 2, "dataset.uri: line 3 is not JSON"));
        sim.Step();
        Assert.Equal(JobPhase.Failed, sim.Status.Phase);
        Assert.Contains("exited with code 2", sim.Status.Stages![0].Message);
        Assert.Contains("line 3 is not JSON", sim.Status.Stages![0].Message);
    }

    [Fact]
    public void Final_trainer_exit_seen_before_the_job_fails_suspends_the_job_and_keeps_the_failed_pod()
    {
        var sim = new PlanSimulator(TestJobs.Lora()) { Pods = [] };
        sim.Settle();
        var k8sJob = sim.Current();
        sim.Run(k8sJob);
        sim.Pods.Add(FailedPod(k8sJob, sim.Now, exitCode: 2, "dataset.uri: s3://data/missing.jsonl does not exist"));

        // The pod's exit reached the cache while the Job still counts it as active (no podFailurePolicy verdict yet).
        var plan = sim.Step();

        Assert.Equal(JobPhase.Failed, sim.Status.Phase);
        Assert.Contains("missing.jsonl", sim.Status.Stages![0].Message);
        var suspend = Assert.Single(plan.Actions.OfType<SetTrainingJobSuspended>());
        Assert.Equal((k8sJob.Metadata.Name, true), (suspend.JobName, suspend.Suspend));
        Assert.Empty(plan.Actions.OfType<DeleteTrainingJobs>()); // deleting the Job would take the failed pod and its log
        Assert.Contains(sim.Jobs, j => j.Metadata.Name == k8sJob.Metadata.Name);
    }

    private static V1Pod FailedPod(V1Job k8sJob, DateTime created, int exitCode, string message) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = k8sJob.Metadata.Name + "-x1", CreationTimestamp = created,
            Labels = new Dictionary<string, string> { ["batch.kubernetes.io/job-name"] = k8sJob.Metadata.Name },
        },
        Status = new V1PodStatus
        {
            Phase = "Failed",
            ContainerStatuses = [new V1ContainerStatus { Name = "trainer", State = new V1ContainerState
                { Terminated = new V1ContainerStateTerminated { ExitCode = exitCode, Reason = "Error", Message = message } } }],
        },
    };

    [Fact]
    public void Failed_job_whose_pod_never_shows_fails_after_the_grace_with_the_jobs_message()
    {
        var sim = new PlanSimulator(TestJobs.Lora()) { Pods = [] };
        sim.Settle();
        sim.Fail(sim.Current(), "BackoffLimitExceeded", "Job has reached the specified backoff limit", failed: 1);
        sim.Step();
        Assert.NotEqual(JobPhase.Failed, sim.Status.Phase);

        sim.Now += TimeSpan.FromSeconds(6);
        sim.Step();
        Assert.Equal(JobPhase.Failed, sim.Status.Phase);
        Assert.Contains("BackoffLimitExceeded", sim.Status.Stages![0].Message);
    }

    [Fact]
    public void Retried_pods_count_as_attempts_of_the_same_stage_job()
    {
        var sim = new PlanSimulator(TestJobs.Lora());
        sim.Settle();
        sim.Run(sim.Current(), failedBefore: 2);
        sim.Step();
        Assert.Equal(3, sim.Status.Stages![0].Attempts);
        Assert.Contains("attempt 3", Conditions.Find(sim.Status.Conditions, ConditionTypes.Running)!.Message);
        Assert.Single(sim.Created);
    }

    [Fact]
    public void Invalid_spec_fails_with_every_message_and_one_warning()
    {
        var sim = new PlanSimulator(TestJobs.Lora())
        {
            Errors = [new ValidationError("spec.lora.rank", "must be between 1 and 1024, got 0"), new ValidationError("spec.output.uri", "must be s3://bucket/key")],
        };
        var plan = sim.Step();
        Assert.Equal(JobPhase.Failed, sim.Status.Phase);
        var ready = Conditions.Find(sim.Status.Conditions, ConditionTypes.Ready)!;
        Assert.Equal((ConditionStatus.False, ConditionReasons.InvalidSpec), (ready.Status, ready.Reason));
        Assert.Contains("spec.lora.rank: must be between 1 and 1024, got 0", ready.Message);
        Assert.Contains("spec.output.uri", ready.Message);
        Assert.Single(plan.Events, e => e.Type == "Warning" && e.Reason == ConditionReasons.InvalidSpec);
        Assert.Null(plan.RequeueAfter);
        Assert.Empty(plan.Actions);
        Assert.Empty(sim.Step().Events);
    }

    [Fact]
    public void Spec_turned_invalid_during_a_run_stops_its_jobs_and_a_fix_starts_a_new_run()
    {
        var sim = new PlanSimulator(TestJobs.Lora());
        sim.Settle();
        sim.Run(sim.Current());
        sim.Settle();
        var firstRun = sim.Status.RunId;
        sim.Edit(s => s.Lora!.Rank = 0);
        sim.Errors = [new ValidationError("spec.lora.rank", "must be between 1 and 1024, got 0")];
        var plan = sim.Step();
        Assert.Contains(plan.Actions, a => a is DeleteTrainingJobs);
        Assert.Equal(JobPhase.Failed, sim.Status.Phase);
        Assert.Empty(sim.Jobs);

        sim.Edit(s => s.Lora!.Rank = 16);
        sim.Errors = [];
        sim.Settle();
        Assert.NotEqual(firstRun, sim.Status.RunId);
        Assert.Equal(firstRun, Assert.Single(sim.Status.History!).RunId);
        Assert.Single(sim.Jobs);
        Assert.True(Conditions.IsTrue(sim.Status.Conditions, ConditionTypes.Ready));
    }

    [Fact]
    public void Suspend_stops_the_pod_then_resume_continues_the_same_job()
    {
        var sim = new PlanSimulator(TestJobs.Lora());
        sim.Settle();
        var job = sim.Current();
        sim.Run(job);
        sim.Settle();

        sim.Edit(s => s.RunPolicy.Suspend = true);
        var plan = sim.Step();
        Assert.Contains(plan.Actions, a => a is SetTrainingJobSuspended { Suspend: true });
        sim.Settle();
        Assert.Equal(JobPhase.Suspended, sim.Status.Phase);
        Assert.Equal(StagePhase.Suspended, sim.Status.Stages![0].Phase);
        Assert.True(Conditions.IsTrue(sim.Status.Conditions, ConditionTypes.Suspended));
        Assert.False(Conditions.IsTrue(sim.Status.Conditions, ConditionTypes.Admitted));

        sim.Edit(s => s.RunPolicy.Suspend = false);
        sim.Step();
        plan = sim.Step();
        Assert.Contains(sim.Plans.SelectMany(p => p.Actions), a => a is SetTrainingJobSuspended { Suspend: false });
        Assert.False(job.Spec.Suspend);
        sim.Run(job);
        sim.Settle();
        Assert.Equal(JobPhase.Running, sim.Status.Phase);
        Assert.False(Conditions.IsTrue(sim.Status.Conditions, ConditionTypes.Suspended));
        Assert.Contains(sim.Plans.SelectMany(p => p.Events), e => e.Reason == ConditionReasons.Resumed);
        Assert.Single(sim.Created);
        Assert.Equal(sim.Status.RunId, sim.Plans[0].Status.RunId);
    }

    [Fact]
    public void Unchanged_manifest_after_a_finished_run_does_nothing()
    {
        var sim = new PlanSimulator(TestJobs.Lora());
        sim.Settle();
        sim.Succeed(sim.Current());
        sim.Settle();
        var runId = sim.Status.RunId;
        sim.Job.Metadata.Generation++; // e.g. a label-only re-apply that the watcher still delivers
        var plan = sim.Step();
        Assert.Empty(plan.Actions);
        Assert.Equal((runId, JobPhase.Succeeded), (sim.Status.RunId, sim.Status.Phase));
    }

    [Fact]
    public void Training_change_after_a_finished_run_starts_a_new_run_and_keeps_history()
    {
        var sim = new PlanSimulator(TestJobs.Lora());
        sim.Settle();
        sim.Succeed(sim.Current());
        sim.Settle();
        var first = sim.Status.RunId!;
        var firstOutputs = sim.Status.Outputs!.Adapter;

        sim.Now = sim.Now.AddDays(1);
        sim.Edit(s => s.Hyperparameters.LearningRate = 1e-4);
        sim.Settle();
        Assert.NotEqual(first, sim.Status.RunId);
        Assert.EndsWith("-g2", sim.Status.RunId);
        var record = Assert.Single(sim.Status.History!);
        Assert.Equal((first, JobPhase.Succeeded, 1L, firstOutputs), (record.RunId, record.Phase, record.Generation, record.Outputs!.Adapter));
        Assert.Equal(2, sim.Created.Count);
        Assert.Contains(ResourceNames.RunShort(sim.Status.RunId!), sim.Current().Metadata.Name);
        Assert.Equal(JobPhase.Pending, sim.Status.Phase);
    }

    [Fact]
    public void Spec_change_during_a_run_restarts_it_under_the_restart_policy()
    {
        var sim = new PlanSimulator(TestJobs.Lora());
        sim.Settle();
        var oldJob = sim.Current().Metadata.Name;
        sim.Run(sim.Current());
        sim.Settle();
        sim.Edit(s => s.Dataset!.Uri = "s3://datasets/support/v2.jsonl");
        var plan = sim.Step();
        Assert.Contains(plan.Actions, a => a is DeleteTrainingJobs d && d.JobNames.Contains(oldJob));
        sim.Settle();
        Assert.DoesNotContain(sim.Jobs, j => j.Metadata.Name == oldJob);
        var record = Assert.Single(sim.Status.History!);
        Assert.Equal(JobPhase.Failed, record.Phase);
        Assert.Contains(ConditionReasons.Superseded, record.Message);
        Assert.Equal(2, sim.Created.Count);
    }

    [Fact]
    public void Spec_change_during_a_run_waits_under_ignore_until_finished()
    {
        var job = TestJobs.Lora();
        job.Spec.RunPolicy.OnSpecChange = SpecChangePolicy.IgnoreUntilFinished;
        var sim = new PlanSimulator(job);
        sim.Settle();
        var firstRun = sim.Status.RunId;
        sim.Run(sim.Current());
        sim.Edit(s => s.Hyperparameters.LearningRate = 1e-4);
        sim.Settle();
        Assert.Equal((firstRun, JobPhase.Running), (sim.Status.RunId, sim.Status.Phase));
        Assert.Single(sim.Created);

        sim.Succeed(sim.Current());
        sim.Settle();
        Assert.NotEqual(firstRun, sim.Status.RunId);
        Assert.Equal(JobPhase.Succeeded, Assert.Single(sim.Status.History!).Phase);
        Assert.Equal(2, sim.Created.Count);
    }

    [Fact]
    public void Deadline_fails_the_run_and_deletes_its_jobs()
    {
        var job = TestJobs.Lora();
        job.Spec.RunPolicy.ActiveDeadlineSeconds = 3600;
        var sim = new PlanSimulator(job);
        sim.Settle();
        sim.Run(sim.Current());
        sim.Settle();
        Assert.True(sim.Last.RequeueAfter <= TimeSpan.FromHours(1));
        sim.Now = sim.Now.AddHours(1);
        var plan = sim.Step();
        Assert.Contains(plan.Actions, a => a is DeleteTrainingJobs);
        Assert.Equal(JobPhase.Failed, sim.Status.Phase);
        Assert.Equal(ConditionReasons.DeadlineExceeded, Conditions.Find(sim.Status.Conditions, ConditionTypes.Succeeded)!.Reason);
        Assert.Empty(sim.Jobs);
    }

    [Fact]
    public void Finished_jobs_are_deleted_after_their_ttl()
    {
        var job = TestJobs.Lora();
        job.Spec.RunPolicy.TtlSecondsAfterFinished = 600;
        var sim = new PlanSimulator(job);
        sim.Settle();
        sim.Succeed(sim.Current());
        sim.Settle();
        Assert.Equal(TimeSpan.FromSeconds(600), sim.Last.RequeueAfter);
        Assert.Single(sim.Jobs);
        sim.Now = sim.Now.AddSeconds(600);
        sim.Settle();
        Assert.Empty(sim.Jobs);
        Assert.Equal(JobPhase.Succeeded, sim.Status.Phase);
    }

    [Fact]
    public void Run_waits_in_the_queue_until_admitted()
    {
        var sim = new PlanSimulator(TestJobs.Lora(), new OperatorOptions { QueuedRequeue = TimeSpan.FromSeconds(5) })
        {
            Admission = new AdmissionDecision(false, "default", 2, "position 2 in queue default"),
        };
        sim.Settle();
        Assert.Equal(JobPhase.Queued, sim.Status.Phase);
        Assert.Equal(2, sim.Status.Queue!.Position);
        Assert.Empty(sim.Jobs);
        Assert.Equal(TimeSpan.FromSeconds(5), sim.Last.RequeueAfter);
        Assert.Single(sim.Plans.SelectMany(p => p.Events), e => e.Reason == "Queued");

        sim.Admission = AdmissionDecision.Admit("default", "fits");
        sim.Settle();
        Assert.Single(sim.Jobs);
        Assert.Equal(0, sim.Status.Queue!.Position);
        Assert.NotNull(sim.Status.StartTime);
    }

    [Fact]
    public void Restarted_planning_from_persisted_status_never_duplicates_jobs()
    {
        var sim = new PlanSimulator(TestJobs.Rlhf());
        sim.Settle();
        sim.Succeed(sim.Current());
        sim.Settle();
        // A fresh planner (new operator process) sees the same status and Jobs: it creates nothing new.
        var restarted = new RunPlanner(new OperatorOptions());
        var plan = restarted.Plan(new ReconcileInput(sim.Job, sim.Jobs, [], AdmissionDecision.Admit("default", "x"), sim.Now.AddMinutes(5)));
        Assert.DoesNotContain(plan.Actions, a => a is CreateTrainingJob);
        Assert.Equal(2, sim.Created.Count);
    }
}
