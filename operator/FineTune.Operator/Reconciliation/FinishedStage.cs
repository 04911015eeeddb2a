using FineTune.Api.V1Alpha1;

namespace FineTune.Operator.Reconciliation;

/// <summary>A stage that reached Succeeded or Failed in this reconcile, for the stage-duration metric.</summary>
public sealed record FinishedStage(string Stage, StagePhase Phase, TimeSpan Duration);
