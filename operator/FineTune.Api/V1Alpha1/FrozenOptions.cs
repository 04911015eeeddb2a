using FineTune.Api.Schema;

namespace FineTune.Api.V1Alpha1;

/// <summary>Frozen-layer fine-tuning: freeze the embeddings and bottom layers, train the top layers and the head.</summary>
[CelRule("self.trainableLayers > 0 || self.trainEmbeddings || (has(self.trainableModules) && size(self.trainableModules) > 0)",
    "nothing would train: set trainableLayers above 0, trainEmbeddings or trainableModules")]
public sealed class FrozenOptions
{
    /// <summary>How many of the top transformer layers train (the final norm and the head always do).</summary>
    [Minimum(0), Maximum(1024)]
    public int TrainableLayers { get; set; } = 2;

    /// <summary>Also train the token (and position) embeddings.</summary>
    public bool TrainEmbeddings { get; set; }

    /// <summary>Extra parameters to train, by module name or wildcard pattern (e.g. h.*.ln_*).</summary>
    [ItemCount(Max = 256)]
    [Pattern(Patterns.ModulePattern, Patterns.ModulePatternAccepted), Length(Min = 1, Max = 256)]
    public List<string>? TrainableModules { get; set; }
}
