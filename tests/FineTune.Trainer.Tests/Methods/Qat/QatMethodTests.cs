using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods;
using FineTune.Trainer.Methods.Full;
using FineTune.Trainer.Methods.Qat;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tests.Jobs;
using FineTune.Trainer.Tests.Training;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;
using static FineTune.Trainer.Tests.Methods.Peft.PeftTestSupport;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Methods.Qat;

/// <summary>QAT on whole models: which layers, the fake-quant schedule, the loop's step reports and the error metric.</summary>
public sealed class QatMethodTests
{
    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    public void Every_transformer_linear_layer_is_quantized_but_not_embeddings_norms_or_the_head(string architecture)
    {
        var model = Model(architecture);
        QatTestSupport.Method().Apply(model);

        var paths = QatTargets.Layers(model).Select(l => l.Path).ToArray();
        var perBlock = architecture == "gpt2" ? new[] { "attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj" }
            : ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"];
        var expected = model.BlockNames.SelectMany(block => perBlock.Select(p => $"{block}.{p}")).ToArray();
        Assert.Equal(expected, paths);
        Assert.All(model.Module.named_parameters(), p => Assert.True(p.parameter.requires_grad, $"{p.name} does not train"));
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    public void Before_fake_quant_after_steps_the_model_is_the_float_model_and_after_them_the_quantized_one(string architecture)
    {
        var model = Model(architecture);
        using var floatLogits = Logits(model);
        var method = QatTestSupport.Method(bits: 4, groupSize: architecture == "gpt2" ? 32 : 0, after: 2);
        method.Apply(model);

        method.StepsCompleted(1);
        using var early = Logits(model);
        method.StepsCompleted(2);
        using var late = Logits(model);
        var reference = QatTestSupport.WithQuantizedWeights(architecture, model);
        using var expected = Logits(reference);

        Assert.True(floatLogits.Identical(early), "before fakeQuantAfterSteps the outputs differ from the float model");
        Assert.True(MaxDifference(expected, late) < 1e-5, $"quantized forward differs from the q(w) model by {MaxDifference(expected, late)}");
        Assert.True(MaxDifference(floatLogits, late) > 1e-3, "4-bit quantization did not change the outputs");
    }

    [Fact]
    public void In_the_training_loop_qat_equals_full_fine_tuning_until_fake_quant_starts()
    {
        Assert.True(Same(Trained(new FullMethod(), 3), Trained(QatTestSupport.Method(bits: 4, after: 3), 3)),
            "3 steps with fakeQuantAfterSteps 3 differ from full fine-tuning");
        Assert.False(Same(Trained(new FullMethod(), 4), Trained(QatTestSupport.Method(bits: 4, after: 3), 4)),
            "the 4th step did not train through the quantizer");
    }

    [Fact]
    public void A_resumed_run_picks_up_the_schedule_where_it_stopped()
    {
        var straight = Trained(QatTestSupport.Method(bits: 4, after: 2), 4);
        using var dir = new TempDirectory();
        Trained(QatTestSupport.Method(bits: 4, after: 2), 4, dir.Path, stopAfter: 3);
        var resumed = Trained(QatTestSupport.Method(bits: 4, after: 2), 4, dir.Path);
        Assert.True(Same(straight, resumed), "stopping after step 3 and resuming differs from running 4 steps");
    }

    [Fact]
    public void The_loop_reports_the_mean_quantization_error_after_every_step()
    {
        var model = TrainingSetup.Model();
        var method = QatTestSupport.Method(bits: 4, after: 1);
        var observer = new RecordingObserver();
        using var dir = new TempDirectory();
        new TrainingLoop(model, method, TrainingSetup.Data, TrainingSetup.Options(3), TrainingSetup.PadId, CPU,
            new LocalCheckpointStore(dir.Path), observer).Run();

        Assert.Equal([1L, 2L, 3L], observer.MethodMetrics.Select(m => m.Step));
        var reported = observer.MethodMetrics[^1].Metrics.QuantizationError!.Value;
        // The same mean computed independently: |q(w) - w| summed over every quantized weight.
        double sum = 0;
        long count = 0;
        foreach (var (_, layer) in QatTargets.Layers(model))
        {
            using var quantized = layer.Quantize();
            using var values = method.WeightScheme.Dequantize(quantized, layer.FanInFanOut);
            sum += values.sub(layer.weight.detach()).abs().to(ScalarType.Float64).sum().item<double>();
            count += layer.weight.numel();
        }
        Assert.Equal(sum / count, reported, 1e-9);
        Assert.Equal(observer.LiveTensorsAfterStep[1], observer.LiveTensorsAfterStep[2]);

        // Four more bits make the grid about 16 times finer, and the error with it.
        var eightBit = QatTestSupport.Method(bits: 8);
        var fourBit = QatTestSupport.Method(bits: 4);
        var (first, second) = (TrainingSetup.Model(), TrainingSetup.Model());
        eightBit.Apply(first);
        fourBit.Apply(second);
        Assert.True(eightBit.StepMetrics(first)!.QuantizationError * 8 < fourBit.StepMetrics(second)!.QuantizationError,
            "8-bit error is not far below 4-bit error");
    }

    [Fact]
    public void Bf16_training_keeps_every_quantized_layer_and_ends_with_fp32_weights()
    {
        var model = TrainingSetup.Model();
        var method = QatTestSupport.Method(bits: 4, groupSize: 32);
        var observer = new RecordingObserver();
        using var dir = new TempDirectory();
        new TrainingLoop(model, method, TrainingSetup.Data, TrainingSetup.Options(2, precision: Precision.Bf16), TrainingSetup.PadId, CPU,
            new LocalCheckpointStore(dir.Path), observer).Run();

        Assert.All(observer.Steps, s => Assert.True(double.IsFinite(s.Loss) && double.IsFinite(s.GradNorm)));
        Assert.All(observer.MethodMetrics, m => Assert.True(m.Metrics.QuantizationError is > 0 and < 1));
        var layers = QatTargets.Layers(model);
        Assert.Equal(8, layers.Count); // the casts to bf16 and back kept every wrapper
        Assert.All(layers, l => Assert.Equal(ScalarType.Float32, l.Layer.weight.dtype));
        Assert.All(model.Module.named_parameters(), p => Assert.True(p.parameter.requires_grad, $"{p.name} stopped training"));
    }

    [Fact]
    public void A_group_size_that_does_not_divide_a_layer_is_a_clear_error()
    {
        var model = Model("llama"); // the tiny llama's MLP has 176 inputs in down_proj
        var error = Assert.Throws<ArgumentException>(() => QatTestSupport.Method(groupSize: 32).Apply(model));
        Assert.Contains("qat.groupSize: 32", error.Message);
        Assert.Contains("176", error.Message);
        Assert.Contains("down_proj", error.Message);
    }

    [Fact]
    public void Per_token_activation_quantization_keeps_each_sequence_independent_of_its_batch_and_padding()
    {
        var model = Model("gpt2");
        using var weightOnly = Logits(model);
        QatTestSupport.Method(activationBits: 8).Apply(model);
        using var ids = Tokens();
        using var noGrad = no_grad();
        using var both = model.Forward(ids);
        using var alone = model.Forward(ids[..1]);
        using var mask = cat(new[] { zeros(1, 4, ScalarType.Int64), ones(1, 8, ScalarType.Int64) }, 1);
        using var positions = cat(new[] { zeros(1, 4, ScalarType.Int64), arange(8L).unsqueeze(0) }, 1);
        using var realOnly = model.Forward(ids[..1, 4..]);
        using var padded = model.Forward(ids[..1], mask, positions);

        Assert.True(MaxDifference(both[..1], alone) < 1e-5, "another sequence in the batch changed this one's outputs");
        Assert.True(MaxDifference(realOnly, padded[.., 4..]) < 1e-5, "padding changed the real tokens' outputs");
        var weightsOnlyModel = Model("gpt2");
        QatTestSupport.Method().Apply(weightsOnlyModel);
        using var withoutActivations = Logits(weightsOnlyModel);
        Assert.True(MaxDifference(withoutActivations, both) > 1e-5, "activation quantization changed nothing");
    }

    private static Dictionary<string, Tensor> Trained(IFineTuneMethod method, long steps, string? checkpoints = null, long? stopAfter = null)
    {
        var model = TrainingSetup.Model();
        using var temp = checkpoints is null ? new TempDirectory() : null;
        using var cancel = new CancellationTokenSource();
        var observer = new StepHook(report => { if (report.Step == stopAfter) cancel.Cancel(); });
        new TrainingLoop(model, method, TrainingSetup.Data, TrainingSetup.Options(steps), TrainingSetup.PadId, CPU,
            new LocalCheckpointStore(checkpoints ?? temp!.Path), observer).Run(cancel.Token);
        return TrainingSetup.Snapshot(model);
    }

    private static bool Same(Dictionary<string, Tensor> a, Dictionary<string, Tensor> b) =>
        a.Keys.SequenceEqual(b.Keys) && a.All(kv => TrainingSetup.Same(kv.Value, b[kv.Key]));
}
