using FineTune.Api.V1Alpha1;
using FineTune.Trainer.Methods;
using FineTune.Trainer.Methods.Frozen;
using FineTune.Trainer.Methods.Full;
using FineTune.Trainer.Models;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Training;

/// <summary>What the loop reports beyond loss: run shape, rows and epochs, checkpoint size and time, method series.</summary>
public sealed class LoopReportingTests
{
    [Fact]
    public void The_run_shape_is_reported_once_before_the_first_step_with_the_trained_and_total_parameter_counts()
    {
        using var dir = new TempDirectory();
        var observer = new RecordingObserver();
        var model = TrainingSetup.Model();
        var method = new FrozenMethod(new FrozenOptions { TrainableLayers = 1 });

        new TrainingLoop(model, method, TrainingSetup.Data, TrainingSetup.Options(2), TrainingSetup.PadId, CPU,
            new LocalCheckpointStore(dir.Path), observer).Run();

        var shape = Assert.Single(observer.Starts);
        Assert.Equal("step", observer.Order.SkipWhile(kind => kind != "start").Skip(1).First());
        var parameters = model.Module.named_parameters().ToList();
        Assert.Equal(parameters.Sum(p => p.parameter.numel()), shape.Parameters);
        Assert.Equal(parameters.Where(p => p.parameter.requires_grad).Sum(p => p.parameter.numel()), shape.TrainableParameters);
        Assert.InRange(shape.TrainableParameters, 1, shape.Parameters - 1);
        Assert.Equal(2, shape.TotalSteps);
        Assert.Equal(0, shape.ResumedFromStep);
    }

    [Fact]
    public void A_resumed_run_reports_the_step_it_continues_from()
    {
        using var dir = new TempDirectory();
        new TrainingLoop(TrainingSetup.Model(), new FullMethod(), TrainingSetup.Data, TrainingSetup.Options(3, checkpointEvery: 2),
            TrainingSetup.PadId, CPU, new LocalCheckpointStore(dir.Path)).Run();
        var observer = new RecordingObserver();

        new TrainingLoop(TrainingSetup.Model(), new FullMethod(), TrainingSetup.Data, TrainingSetup.Options(5, checkpointEvery: 2),
            TrainingSetup.PadId, CPU, new LocalCheckpointStore(dir.Path), observer).Run();

        Assert.Equal(3, Assert.Single(observer.Starts).ResumedFromStep);
        Assert.Equal(new long[] { 4, 5 }, observer.Steps.Select(s => s.Step));
    }

    [Fact]
    public void Every_step_reports_the_rows_it_trained_on_and_the_fractional_epoch()
    {
        using var dir = new TempDirectory();
        var observer = new RecordingObserver();
        // 256 training rows, 2 micro-batches of 8 per step: 16 rows a step, an epoch every 16 steps.
        new TrainingLoop(TrainingSetup.Model(), new FullMethod(), TrainingSetup.Data, TrainingSetup.Options(17, accumulation: 2),
            TrainingSetup.PadId, CPU, new LocalCheckpointStore(dir.Path), observer).Run();

        Assert.Equal(256, TrainingSetup.Data.Train.Count);
        Assert.All(observer.Steps, s => Assert.Equal(16, s.Samples));
        Assert.Equal(1.0 / 16, observer.Steps[0].EpochProgress);
        Assert.Equal(1.0, observer.Steps[15].EpochProgress);
        Assert.Equal(0, observer.Steps[15].Epoch);
        Assert.Equal(1 + 1.0 / 16, observer.Steps[16].EpochProgress);
        Assert.Equal(1, observer.Steps[16].Epoch);
        Assert.All(observer.Steps, s => Assert.True(s.Tokens > s.Samples, $"step {s.Step}: {s.Tokens} tokens for {s.Samples} rows"));
    }

    [Fact]
    public void Checkpoint_reports_carry_the_size_of_the_committed_files_and_the_time_taken()
    {
        using var dir = new TempDirectory();
        var observer = new RecordingObserver();

        new TrainingLoop(TrainingSetup.Model(), new FullMethod(), TrainingSetup.Data, TrainingSetup.Options(4, checkpointEvery: 2),
            TrainingSetup.PadId, CPU, new LocalCheckpointStore(dir.Path, keepLast: 5), observer).Run();

        Assert.Equal(new long[] { 2, 4 }, observer.CheckpointReports.Select(r => r.Step));
        Assert.Equal(observer.CheckpointReports.Select(r => (r.Step, r.Location)), observer.Checkpoints);
        foreach (var report in observer.CheckpointReports)
        {
            // What the loop wrote: everything committed but the store's own metrics.json.
            var written = new[] { "config.json", "model.safetensors", TrainingCheckpoint.OptimizerFile, TrainingCheckpoint.StateFile };
            Assert.Equal(written.Order(), Directory.EnumerateFiles(report.Location).Select(f => Path.GetFileName(f)).Where(n => n != "metrics.json").Order());
            Assert.Equal(written.Sum(name => new FileInfo(Path.Combine(report.Location, name)).Length), report.Bytes);
            Assert.True(report.Duration > TimeSpan.Zero);
        }
    }

    [Fact]
    public void Series_a_method_computes_itself_are_passed_on_after_every_step()
    {
        using var dir = new TempDirectory();
        var observer = new RecordingObserver();
        var method = new Int8ErrorReportingFullMethod();

        new TrainingLoop(TrainingSetup.Model(), method, TrainingSetup.Data, TrainingSetup.Options(3), TrainingSetup.PadId, CPU,
            new LocalCheckpointStore(dir.Path), observer).Run();

        Assert.Equal(new long[] { 1, 2, 3 }, observer.MethodMetrics.Select(m => m.Step));
        Assert.Equal(method.Scales.Count, observer.MethodMetrics.Count);
        for (var i = 0; i < observer.MethodMetrics.Count; i++)
        {
            // Round-to-nearest never errs by more than half a quantization step.
            var error = observer.MethodMetrics[i].Metrics.QuantizationError!.Value;
            Assert.InRange(error, 1e-9, method.Scales[i] / 2);
            Assert.Null(observer.MethodMetrics[i].Metrics.RewardMean);
        }
        Assert.Equal(new[] { "step", "method" }, observer.Order.SkipWhile(kind => kind != "step").Take(2));
    }

    /// <summary>
    /// Full fine-tuning that also reports how far its first weight matrix is from its symmetric int8 quantization, the
    /// way a quantization-aware method reports its error.
    /// </summary>
    private sealed class Int8ErrorReportingFullMethod : IFineTuneMethod, IMethodMetricsSource
    {
        private readonly FullMethod _full = new();

        public List<double> Scales { get; } = [];

        public string Name => _full.Name;

        public void Apply(ILanguageModel model) => _full.Apply(model);

        public IReadOnlyList<string> TrainableParameterNames(ILanguageModel model) => _full.TrainableParameterNames(model);

        public SaveMode ResolveSave(SaveMode? requested) => _full.ResolveSave(requested);

        public void Export(ILanguageModel model, string directory, SaveMode kind) => _full.Export(model, directory, kind);

        public MethodStepMetrics StepMetrics(ILanguageModel model)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var weight = model.Module.named_parameters().First(p => p.parameter.dim() == 2).parameter.detach();
            var scale = weight.abs().max().item<float>() / 127.0;
            var quantized = (weight / scale).round().clamp(-127, 127) * scale;
            Scales.Add(scale);
            return new MethodStepMetrics(QuantizationError: (weight - quantized).abs().mean().item<float>());
        }
    }
}
