using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Methods;
using FineTune.Trainer.Models;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tests.Training;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Methods;

/// <summary>
/// The generic tests every fine-tuning method passes, one row per method. A new method adds its row to
/// <see cref="Rows"/>: the spec that selects it, and the save mode it exports by default.
/// </summary>
public sealed class MethodContractTests
{
    private static readonly Dictionary<string, Func<FineTuneJobSpec>> Specs = new()
    {
        ["full"] = () => Spec(FineTuneMethod.Full),
        ["frozen"] = () => Spec(FineTuneMethod.Frozen, s => s.Frozen = new FrozenOptions { TrainableLayers = 1 }),
    };

    public static TheoryData<string> Rows => new(Specs.Keys);

    private static FineTuneJobSpec Spec(FineTuneMethod method, Action<FineTuneJobSpec>? configure = null)
    {
        var spec = new FineTuneJobSpec
        {
            Method = method,
            Model = new ModelSpec { Uri = "model" },
            Dataset = new DatasetSpec { Uri = "train.jsonl" },
            Output = new OutputSpec { Uri = "out" },
        };
        configure?.Invoke(spec);
        return spec;
    }

    private static IFineTuneMethod Create(string row) => MethodRegistry.Create(Specs[row]());

    [Theory]
    [MemberData(nameof(Rows))]
    public void Registry_maps_the_spec_name_to_the_method(string row)
    {
        Assert.Equal(row, Create(row).Name);
        Assert.Contains(row, MethodRegistry.Supported);
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Applying_twice_equals_applying_once(string row)
    {
        var method = Create(row);
        var model = TrainingSetup.Model();
        method.Apply(model);
        var once = RequiringGradients(model);
        var namesOnce = method.TrainableParameterNames(model);
        method.Apply(model);

        Assert.Equal(once, RequiringGradients(model));
        Assert.Equal(namesOnce, method.TrainableParameterNames(model));
        Assert.Equal(namesOnce, once);
        Assert.NotEmpty(once);
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Training_changes_exactly_the_trainable_parameters(string row)
    {
        var method = Create(row);
        var model = TrainingSetup.Model();
        var before = TrainingSetup.Snapshot(model);
        using var dir = new TempDirectory();
        new TrainingLoop(model, method, TrainingSetup.Data, TrainingSetup.Options(2), TrainingSetup.PadId, CPU,
            new LocalCheckpointStore(dir.Path)).Run();

        var after = TrainingSetup.Snapshot(model);
        var changed = before.Where(kv => !TrainingSetup.Same(kv.Value, after[kv.Key])).Select(kv => kv.Key).ToHashSet();
        Assert.Equal(method.TrainableParameterNames(model).ToHashSet(), changed);
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Default_export_loads_back_with_the_same_outputs(string row)
    {
        var method = Create(row);
        var model = TrainingSetup.Model();
        using var dir = new TempDirectory();
        new TrainingLoop(model, method, TrainingSetup.Data, TrainingSetup.Options(2), TrainingSetup.PadId, CPU,
            new LocalCheckpointStore(dir.Path)).Run();
        var save = method.ResolveSave(null);
        var exported = Path.Combine(dir.Path, "export");
        method.Export(model, exported, save);

        var (loaded, _) = HuggingFaceCheckpoint.Load(exported);
        model.Module.eval();
        using var ids = tensor(new long[] { 1, 72, 101, 108, 108, 111 }).unsqueeze(0);
        using var expected = ((ICausalLanguageModel)model).Forward(ids);
        using var actual = ((ICausalLanguageModel)loaded).Forward(ids);
        Assert.True(TrainingSetup.Same(expected, actual), "exported model computes different logits");
    }

    private static List<string> RequiringGradients(ILanguageModel model) =>
        model.Module.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToList();
}
