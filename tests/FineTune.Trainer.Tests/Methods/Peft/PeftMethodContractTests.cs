using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Methods.Peft;
using FineTune.Trainer.Tests.Data;
using static FineTune.Trainer.Tests.Methods.Peft.PeftTestSupport;

namespace FineTune.Trainer.Tests.Methods.Peft;

/// <summary>The generic tests every method passes (full and frozen included), one table row per configuration.</summary>
public sealed class PeftMethodContractTests
{
    public static TheoryData<string> Rows => MethodTable.All;

    [Theory]
    [MemberData(nameof(Rows))]
    public void Only_the_trainable_parameters_change_after_steps(string row)
    {
        var entry = MethodTable.Rows[row];
        var method = entry.Create();
        var model = Model(entry.Architecture);
        method.Apply(model);
        var before = Snapshot(model);
        Train(model, method);

        var after = Snapshot(model);
        var changed = before.Where(kv => !kv.Value.allclose(after[kv.Key], 0, 0)).Select(kv => kv.Key).ToHashSet();
        Assert.Equal(method.TrainableParameterNames(model).ToHashSet(), changed);
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Trainable_parameter_count_matches_the_formula(string row)
    {
        var entry = MethodTable.Rows[row];
        var method = entry.Create();
        var model = Model(entry.Architecture);
        method.Apply(model);

        var names = method.TrainableParameterNames(model);
        Assert.Equal(entry.TrainableCount(model.Config), Count(model, names));
        Assert.Equal(names.Order(), model.Module.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).Order());
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Adapter_starts_as_the_base_model(string row)
    {
        var entry = MethodTable.Rows[row];
        if (!entry.StartsAsBase) return; // prefixes are extra keys from the first step on
        var model = Model(entry.Architecture);
        using var baseLogits = Logits(model);
        entry.Create().Apply(model);

        using var applied = Logits(model);
        Assert.True(MaxDifference(baseLogits, applied) < 1e-6, "applying the method changed the outputs before any training");
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Disabled_adapter_reproduces_the_base_outputs(string row)
    {
        var entry = MethodTable.Rows[row];
        if (entry.Create() is not IPeftMethod) return; // full and frozen have no adapter to switch off
        var model = Model(entry.Architecture);
        using var baseLogits = Logits(model);
        var method = (IPeftMethod)entry.Create();
        Train(model, method);
        using var trained = Logits(model);

        method.SetAdapterEnabled(model, false);
        using var disabled = Logits(model);
        method.SetAdapterEnabled(model, true);
        using var enabled = Logits(model);

        Assert.True(MaxDifference(baseLogits, disabled) < 1e-5, $"disabled adapter differs from the base by {MaxDifference(baseLogits, disabled)}");
        Assert.True(MaxDifference(baseLogits, trained) > 1e-4, "training did not change the outputs");
        Assert.True(trained.allclose(enabled, 0, 0), "switching the adapter back on did not restore the trained outputs");
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Merged_equals_unmerged_where_the_method_can_merge(string row)
    {
        var entry = MethodTable.Rows[row];
        if (entry.Create() is not IPeftMethod { CanMerge: true }) return;
        var model = Model(entry.Architecture);
        var method = (IPeftMethod)entry.Create();
        Train(model, method);
        using var unmerged = Logits(model);

        method.Merge(model);
        using var merged = Logits(model);
        method.Unmerge(model);
        using var again = Logits(model);

        Assert.True(MaxDifference(unmerged, merged) < 1e-5, $"merged differs by {MaxDifference(unmerged, merged)}");
        Assert.True(MaxDifference(unmerged, again) < 1e-5, $"unmerged differs by {MaxDifference(unmerged, again)}");
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Merged_export_loads_as_a_plain_model_with_the_same_outputs(string row)
    {
        var entry = MethodTable.Rows[row];
        var method = entry.Create();
        if (method is IPeftMethod { CanMerge: false }) return;
        var model = Model(entry.Architecture);
        Train(model, method);
        using var expected = Logits(model);
        using var dir = new TempDirectory();
        method.Export(model, dir.Path, SaveMode.Merged);

        var (loaded, _) = HuggingFaceCheckpoint.Load(dir.Path);
        using var actual = Logits((Trainer.Models.ICausalLanguageModel)loaded);
        Assert.True(MaxDifference(expected, actual) < 1e-5, $"merged export differs by {MaxDifference(expected, actual)}");
        using var again = Logits(model);
        Assert.True(expected.allclose(again, 0, 0), "exporting changed the live model");
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Default_export_loads_back_onto_a_fresh_base_with_the_same_outputs(string row)
    {
        var entry = MethodTable.Rows[row];
        var method = entry.Create();
        var model = Model(entry.Architecture);
        Train(model, method);
        using var expected = Logits(model);
        using var dir = new TempDirectory();
        method.Export(model, dir.Path, method.ResolveSave(null));

        var loaded = method is IPeftMethod
            ? LoadAdapterOntoFreshBase(entry.Architecture, dir.Path)
            : (Trainer.Models.ICausalLanguageModel)HuggingFaceCheckpoint.Load(dir.Path).Model;
        using var actual = Logits(loaded);
        Assert.True(MaxDifference(expected, actual) < 1e-6, $"reloaded outputs differ by {MaxDifference(expected, actual)}");
    }

    private static Trainer.Models.ICausalLanguageModel LoadAdapterOntoFreshBase(string architecture, string directory)
    {
        var fresh = Model(architecture);
        PeftRegistry.LoadAdapter(fresh, directory);
        return fresh;
    }
}
