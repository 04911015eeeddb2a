using FineTune.Api.V1Alpha1;

namespace FineTune.Operator.Builders;

/// <summary>
/// Where a run writes, shared with the trainer: &lt;output.uri&gt;/&lt;runId&gt;/&lt;stage&gt;/ (rlhf iterations after
/// the first: &lt;stage&gt;-&lt;iteration&gt;/), and inside a stage directory <c>adapter/</c>, <c>merged/</c>,
/// <c>checkpoints/</c>.
/// </summary>
public static class OutputLayout
{
    /// <summary>Prefix of everything a run writes.</summary>
    public static string RunPrefix(FineTuneJobSpec spec, string runId) => $"{spec.Output.Uri.TrimEnd('/')}/{runId}/";

    /// <summary>Directory a stage writes its result to.</summary>
    public static string StageOutput(FineTuneJobSpec spec, string runId, StageRef stage)
    {
        var directory = stage.Iteration <= 1 ? stage.Name : $"{stage.Name}-{stage.Iteration}";
        return $"{RunPrefix(spec, runId)}{directory}/";
    }

    /// <summary>The results of a finished run, from the directory of its last stage and the save mode.</summary>
    public static OutputsStatus RunOutputs(FineTuneJobSpec spec, string lastStageOutput)
    {
        var save = EffectiveSaveMode(spec);
        return new OutputsStatus
        {
            Adapter = save is SaveMode.Adapter or SaveMode.Both ? lastStageOutput + "adapter/" : null,
            Merged = save is SaveMode.Merged or SaveMode.Both ? lastStageOutput + "merged/" : null,
            Metrics = lastStageOutput + "metrics.json",
        };
    }

    /// <summary>spec.output.save, or its default: adapter for methods that train an adapter, the whole model otherwise.</summary>
    public static SaveMode EffectiveSaveMode(FineTuneJobSpec spec)
    {
        if (spec.Output.Save is { } save)
            return save;
        var trainsAdapter = spec.Method switch
        {
            FineTuneMethod.Lora or FineTuneMethod.Qlora or FineTuneMethod.Prefix or FineTuneMethod.Adapter => true,
            FineTuneMethod.Rlhf => spec.Rlhf?.PolicyMethod == PolicyMethod.Lora,
            FineTuneMethod.Upft => spec.Upft?.PolicyMethod == PolicyMethod.Lora,
            _ => false,
        };
        return trainsAdapter ? SaveMode.Adapter : SaveMode.Merged;
    }
}
