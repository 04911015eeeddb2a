using FineTune.Api.Validation;
using FineTune.Api.V1Alpha1;
using FineTune.Operator.Configuration;
using FineTune.Operator.Reconciliation;
using FineTune.Operator.Scheduling;
using k8s;
using k8s.Models;

namespace FineTune.Operator.Tests.Support;

/// <summary>
/// Runs the planner against an in-memory picture of the cluster: applies each plan's status and child actions the way
/// the controller would, and lets a test move Jobs through running, succeeded and failed.
/// </summary>
public sealed class PlanSimulator(FineTuneJob job, OperatorOptions? options = null)
{
    private readonly RunPlanner planner = new(options ?? new OperatorOptions());

    public FineTuneJob Job { get; } = job;
    public List<V1Job> Jobs { get; } = [];
    public List<ReconcilePlan> Plans { get; } = [];
    public List<string> Created { get; } = [];
    public DateTime Now { get; set; } = new(2026, 11, 28, 11, 0, 0, DateTimeKind.Utc);
    public AdmissionDecision Admission { get; set; } = AdmissionDecision.Admit("default", "no limit");
    public IReadOnlyList<ValidationError> Errors { get; set; } = [];
    /// <summary>The pods the pod informer holds; null plays an operator that does not watch pods.</summary>
    public List<V1Pod>? Pods { get; set; }

    public ReconcilePlan Last => Plans[^1];
    public FineTuneJobStatus Status => Job.Status!;

    /// <summary>One reconcile: plan, then apply the status and actions.</summary>
    public ReconcilePlan Step()
    {
        var plan = planner.Plan(new ReconcileInput(Job, Jobs.ToList(), Errors, Admission, Now, Pods));
        foreach (var action in plan.Actions)
        {
            switch (action)
            {
                case CreateTrainingJob create when Jobs.All(j => j.Metadata.Name != create.Job.Metadata.Name):
                    Jobs.Add(KubernetesJson.Deserialize<V1Job>(KubernetesJson.Serialize(create.Job)));
                    Created.Add(create.Job.Metadata.Name);
                    break;
                case DeleteTrainingJobs delete:
                    Jobs.RemoveAll(j => delete.JobNames.Contains(j.Metadata.Name));
                    break;
                case SetTrainingJobSuspended suspend:
                    var target = Get(suspend.JobName);
                    target.Spec.Suspend = suspend.Suspend;
                    if (suspend.Suspend)
                        target.Status = new V1JobStatus { Active = 0, Failed = target.Status?.Failed };
                    break;
            }
        }
        Job.Status = KubernetesJson.Deserialize<FineTuneJobStatus>(KubernetesJson.Serialize(plan.Status));
        Plans.Add(plan);
        return plan;
    }

    /// <summary>Reconciles until a pass changes nothing more (at most 10 passes).</summary>
    public void Settle()
    {
        var trace = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var before = Job.Status is null ? "" : KubernetesJson.Serialize(Job.Status);
            var plan = Step();
            var after = KubernetesJson.Serialize(Job.Status);
            if (plan.Actions.Count == 0 && before == after)
                return;
            trace.Add($"actions: {string.Join(", ", plan.Actions)}\nstatus: {after}");
        }
        throw new InvalidOperationException("the planner did not settle in 10 passes:\n" + string.Join("\n", trace.TakeLast(2)));
    }

    public V1Job Get(string name) => Jobs.Single(j => j.Metadata.Name == name);

    public V1Job Current() => Get(Status.Stages!.First(s => s.Phase != StagePhase.Succeeded).JobName!);

    public void Run(V1Job k8sJob, int failedBefore = 0)
        => k8sJob.Status = new V1JobStatus { Active = 1, Failed = failedBefore };

    public void Succeed(V1Job k8sJob)
        => k8sJob.Status = new V1JobStatus
        {
            Succeeded = 1,
            Failed = k8sJob.Status?.Failed,
            CompletionTime = Now,
            Conditions = [new V1JobCondition { Type = "Complete", Status = "True" }],
        };

    public void Fail(V1Job k8sJob, string reason, string message, int failed)
        => k8sJob.Status = new V1JobStatus
        {
            Failed = failed,
            Conditions = [new V1JobCondition { Type = "Failed", Status = "True", Reason = reason, Message = message, LastTransitionTime = Now }],
        };

    /// <summary>A spec edit as the API server does it: new generation.</summary>
    public void Edit(Action<FineTuneJobSpec> change)
    {
        change(Job.Spec);
        Job.Metadata.Generation = (Job.Metadata.Generation ?? 1) + 1;
    }
}
