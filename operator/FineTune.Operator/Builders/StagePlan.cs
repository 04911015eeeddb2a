using FineTune.Api.V1Alpha1;

namespace FineTune.Operator.Builders;

/// <summary>The stages a run executes, in order: one <c>train</c> stage, or the rlhf stages repeated per iteration.</summary>
public static class StagePlan
{
    /// <summary>Stage name of single-stage methods.</summary>
    public const string SingleStage = "train";

    /// <summary>Every (stage, iteration) of a run of <paramref name="spec"/>, in the order they run.</summary>
    public static IReadOnlyList<StageRef> For(FineTuneJobSpec spec)
    {
        if (spec.Method != FineTuneMethod.Rlhf || spec.Rlhf is null)
            return [new StageRef(SingleStage, 1)];
        var stages = new List<StageRef>();
        for (var iteration = 1; iteration <= Math.Max(1, spec.Rlhf.Iterations); iteration++)
            foreach (var stage in spec.Rlhf.Stages)
                stages.Add(new StageRef(StageName(stage.Name), iteration));
        return stages;
    }

    /// <summary>The manifest spelling of an rlhf stage (sft, reward, ppo, dpo).</summary>
    public static string StageName(RlhfStageName name) => name switch
    {
        RlhfStageName.Sft => "sft",
        RlhfStageName.Reward => "reward",
        RlhfStageName.Ppo => "ppo",
        RlhfStageName.Dpo => "dpo",
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown rlhf stage"),
    };
}
