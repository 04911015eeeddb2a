using FineTune.Api.Schema;
using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Checkpoints;
using FineTune.Trainer.Methods;
using FineTune.Trainer.Methods.Peft;
using FineTune.Trainer.Models;
using FineTune.Trainer.Models.Generation;
using FineTune.Trainer.Tests.Data;
using static FineTune.Trainer.Tests.Methods.Peft.PeftTestSupport;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Methods;

/// <summary>
/// The generic tests every fine-tuning method passes, full and frozen included, one <see cref="MethodTable"/> row per
/// configuration: registry mapping, idempotent apply, what trains, the parameter-count formula, disable/enable,
/// merge or its refusal, export and reload, padding, and generation with the key/value cache.
/// </summary>
public sealed class MethodContractTests
{
    public static TheoryData<string> Rows => MethodTable.All;

    [Theory]
    [MemberData(nameof(Rows))]
    public void Registry_maps_the_spec_to_the_method_and_the_adapter_config_back_to_it(string row)
    {
        var entry = MethodTable.Rows[row];
        var method = entry.Create();
        var specName = JsonNames.OfEnumValue(entry.Spec().Method);
        Assert.Equal(specName, method.Name);
        Assert.Contains(specName, MethodRegistry.Supported);
        if (method is not IPeftMethod peft) return;

        var model = Model(entry.Architecture);
        peft.Apply(model);
        var reread = PeftRegistry.Create(peft.ToConfig(model));
        Assert.Equal(peft.GetType(), reread.GetType());
        Assert.Equal(peft.PeftType, reread.PeftType);
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Applying_twice_equals_applying_once(string row)
    {
        var method = MethodTable.Rows[row].Create();
        var model = Model(MethodTable.Rows[row].Architecture);
        method.Apply(model);
        var once = RequiringGradients(model);
        var names = model.Module.named_parameters().Select(p => p.name).ToList();
        method.Apply(model);

        Assert.Equal(once, RequiringGradients(model));
        Assert.Equal(names, model.Module.named_parameters().Select(p => p.name).ToList());
        Assert.Equal(method.TrainableParameterNames(model), once);
        Assert.NotEmpty(once);
    }

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
        if (!entry.StartsAsBase) return; // virtual tokens are extra inputs from the first step on
        using var baseLogits = BaseLogits(entry);
        var model = Model(entry.Architecture);
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
        using var baseLogits = BaseLogits(entry);
        var model = Model(entry.Architecture);
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
    public void A_merge_the_method_cannot_do_is_a_clear_error(string row)
    {
        var entry = MethodTable.Rows[row];
        var method = entry.Create();
        var model = Model(entry.Architecture);
        method.Apply(model);
        switch (method)
        {
            case IPeftMethod { CanMerge: false } peft:
                var merge = Assert.Throws<NotSupportedException>(() => peft.Merge(model));
                var save = Assert.Throws<NotSupportedException>(() => peft.ResolveSave(SaveMode.Merged));
                foreach (var message in new[] { merge.Message, save.Message })
                {
                    Assert.Contains($"method {peft.Name} ({peft.PeftType}) cannot be merged", message);
                    Assert.Contains("output.save must be adapter", message);
                }
                break;
            case IPeftMethod:
                Assert.Equal(SaveMode.Merged, method.ResolveSave(SaveMode.Merged));
                break;
            default:
                var adapter = Assert.Throws<NotSupportedException>(() => method.ResolveSave(SaveMode.Adapter));
                Assert.Contains("output.save must be merged", adapter.Message);
                break;
        }
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
        using var actual = Logits((ICausalLanguageModel)loaded);
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

        var loaded = method is IPeftMethod ? LoadAdapterOntoFreshBase(entry.Architecture, dir.Path)
            : (ICausalLanguageModel)HuggingFaceCheckpoint.Load(dir.Path).Model;
        using var actual = Logits(loaded);
        Assert.True(MaxDifference(expected, actual) < 1e-6, $"reloaded outputs differ by {MaxDifference(expected, actual)}");
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Left_padding_does_not_change_the_real_tokens_outputs(string row)
    {
        var entry = MethodTable.Rows[row];
        var model = Model(entry.Architecture);
        Train(model, entry.Create(), steps: 1);
        using var noGrad = no_grad();
        using var ids = Tokens();
        using var real = ids[..1, 4..];
        using var alone = model.Forward(real);

        // The caller's positions count real tokens from 0 (pads anywhere); the model adds the virtual tokens.
        using var mask = cat(new[] { zeros(1, 4, ScalarType.Int64), ones(1, 8, ScalarType.Int64) }, 1);
        using var positions = cat(new[] { zeros(1, 4, ScalarType.Int64), arange(8L).unsqueeze(0) }, 1);
        using var padded = model.Forward(ids[..1], mask, positions);

        Assert.True(MaxDifference(alone, padded[.., 4..]) < 1e-5, "padding leaked into the real tokens' attention");
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Generation_with_the_cache_equals_recomputing_without_it(string row)
    {
        var entry = MethodTable.Rows[row];
        var model = Model(entry.Architecture);
        Train(model, entry.Create(), steps: 2);
        using var ids = Tokens();
        using var noGrad = no_grad();
        using var full = model.Forward(ids);

        using var cache = new KeyValueCache(model.Config.NumLayers);
        using var first = model.Forward(ids[.., ..8], cache: cache);
        Assert.True(MaxDifference(full[.., ..8], first) < 1e-5, "the first cached call differs from the full forward");
        for (int i = 8; i < 12; i++)
        {
            using var step = model.Forward(ids[.., i..(i + 1)], cache: cache);
            Assert.True(MaxDifference(full[.., i], step[.., 0]) < 1e-5, $"cached step {i} differs from the full forward");
        }

        var prompt = ids[0, ..5].data<long>().ToArray();
        var cached = TextGenerator.Generate(model, prompt, new GenerationOptions { MaxNewTokens = 6, UseCache = true });
        var recomputed = TextGenerator.Generate(model, prompt, new GenerationOptions { MaxNewTokens = 6, UseCache = false });
        Assert.Equal(recomputed, cached);
    }

    // Outputs of the base the adapter sits on: a fresh model, turned into the row's base where that differs.
    private static Tensor BaseLogits(MethodTable.Row entry)
    {
        var reference = Model(entry.Architecture);
        entry.ToBase?.Invoke(reference);
        return Logits(reference);
    }

    private static ICausalLanguageModel LoadAdapterOntoFreshBase(string architecture, string directory)
    {
        var fresh = Model(architecture);
        PeftRegistry.LoadAdapter(fresh, directory);
        return fresh;
    }

    private static List<string> RequiringGradients(ILanguageModel model) =>
        model.Module.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToList();
}
