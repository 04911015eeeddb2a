using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods.Qlora;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tests.Training;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;
using static FineTune.Trainer.Tests.Methods.Qlora.QloraTestSupport;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Methods.Qlora;

/// <summary>qlora in the real training loop: bf16 precision and compute, the quantization error series, resume.</summary>
public sealed class QloraTrainingTests
{
    [Fact]
    public void Bf16_training_keeps_the_4_bit_storage_reports_the_quantization_error_and_holds_the_live_tensor_count()
    {
        var model = TrainingSetup.Model("llama");
        var method = new QloraMethod(Options(o => { o.ComputeDtype = Precision.Bf16; o.TargetModules = ["all-linear"]; }));
        method.Apply(model);
        var layer = QloraMethod.Layers(model)[0];
        using var packed = layer.weight.packed.clone();
        var adapter = layer.lora_A.weight!.detach().clone();
        var observer = new RecordingObserver();
        using var dir = new TempDirectory();

        new TrainingLoop(model, method, TrainingSetup.Data.Train, [], TrainingSetup.Options(5, learningRate: 1e-2, batchSize: 4, precision: Precision.Bf16),
            TrainingSetup.PadId, CPU, new LocalCheckpointStore(dir.Path), observer).Run();

        Assert.False(TrainingSetup.Same(adapter, layer.lora_A.weight!.detach()), "the adapter did not train");
        Assert.Same(layer, QloraMethod.Layers(model)[0]);
        Assert.True(layer.weight.packed.eq(packed).all().item<bool>(), "the packed codes changed");
        Assert.Equal(ScalarType.Float32, layer.weight.nested_absmax!.dtype);
        Assert.Equal(5, observer.MethodMetrics.Count);
        Assert.All(observer.MethodMetrics, m => Assert.Equal(QloraMethod.QuantizationError(model), m.Metrics.QuantizationError));
        Assert.All(observer.LiveTensorsAfterStep.Skip(1), live => Assert.Equal(observer.LiveTensorsAfterStep[1], live));
    }

    [Fact]
    public void A_resumed_run_requantizes_the_same_base_and_ends_with_the_same_adapter()
    {
        var options = Options();
        var data = TrainingSetup.Data;
        using var straightDir = new TempDirectory();
        var straight = TrainingSetup.Model("gpt2");
        new TrainingLoop(straight, new QloraMethod(options), data.Train, [], TrainingSetup.Options(4, learningRate: 1e-2, batchSize: 4), TrainingSetup.PadId, CPU,
            new LocalCheckpointStore(straightDir.Path)).Run();

        using var dir = new TempDirectory();
        var first = TrainingSetup.Model("gpt2");
        using var cancel = new CancellationTokenSource();
        var interrupting = new CancelAfterSteps(cancel, 2);
        var partial = new TrainingLoop(first, new QloraMethod(options), data.Train, [], TrainingSetup.Options(4, learningRate: 1e-2, batchSize: 4), TrainingSetup.PadId,
            CPU, new LocalCheckpointStore(dir.Path), interrupting).Run(cancel.Token);
        var resumed = TrainingSetup.Model("gpt2");
        new TrainingLoop(resumed, new QloraMethod(options), data.Train, [], TrainingSetup.Options(4, learningRate: 1e-2, batchSize: 4), TrainingSetup.PadId, CPU,
            new LocalCheckpointStore(dir.Path)).Run();

        Assert.True(partial.Interrupted);
        var expected = TrainingSetup.Snapshot(straight);
        var actual = TrainingSetup.Snapshot(resumed);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        Assert.All(expected, kv => Assert.True(TrainingSetup.Same(kv.Value, actual[kv.Key]), $"{kv.Key} differs after resume"));
    }

    // Requests cancellation once the loop has reported the given number of steps.
    private sealed class CancelAfterSteps(CancellationTokenSource source, int steps) : ITrainingObserver
    {
        public void OnStart(RunShape shape) { }
        public void OnStep(StepReport report) { if (report.Step >= steps) source.Cancel(); }
        public void OnEvaluation(long step, EvaluationMetrics metrics, bool improved) { }
        public void OnCheckpoint(long step, string location) { }
        public void OnMessage(string message) { }
    }
}
