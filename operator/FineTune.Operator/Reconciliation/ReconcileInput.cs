using FineTune.Api.Validation;
using FineTune.Api.V1Alpha1;
using FineTune.Operator.Scheduling;
using k8s.Models;

namespace FineTune.Operator.Reconciliation;

/// <summary>Everything one reconcile decision depends on.</summary>
/// <param name="Job">The FineTuneJob as read from the API server.</param>
/// <param name="Jobs">Its batch/v1 Jobs (every run), found by label.</param>
/// <param name="ValidationErrors">Problems of the spec; empty when valid.</param>
/// <param name="Admission">What the admission queue says about the job now.</param>
/// <param name="Now">The reconcile's clock, whole seconds, UTC.</param>
/// <param name="Pods">The pods of its Jobs (from the pod informer); null when not known.</param>
public sealed record ReconcileInput(
    FineTuneJob Job,
    IReadOnlyList<V1Job> Jobs,
    IReadOnlyList<ValidationError> ValidationErrors,
    AdmissionDecision Admission,
    DateTime Now,
    IReadOnlyList<V1Pod>? Pods = null);
