using FineTune.Trainer.Methods;
using FineTune.Trainer.Methods.Full;
using FineTune.Trainer.Models;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Tests.Training;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Methods.Qat;

/// <summary>
/// Training through the quantizer in the real loop. The stronger claim (at 4 bits QAT beats post-training quantization
/// of a float-trained model) does not hold reliably at this scale: on the tiny model after 24 steps, quantizing the
/// float model's linear weights to 4 bits moves its validation loss by less than 1e-4 (measured 2.9027 both), so there
/// is nothing for QAT to win back, while 4-bit fake quantization from the first step slows learning (measured 3.99).
/// What is tested is the property that holds and would break with a wrong straight-through gradient: 8-bit QAT learns
/// as well as float training.
/// </summary>
public sealed class QatLearningTests
{
    [Fact]
    public void At_8_bits_training_through_the_quantizer_reaches_the_float_models_validation_loss()
    {
        const long steps = 24;
        var data = TrainingSetup.Data;
        var floatModel = TrainingSetup.Model();
        var start = Evaluator.Evaluate(floatModel, data.Validation, 8, TrainingSetup.PadId, CPU).Loss;
        Run(floatModel, new FullMethod(), steps);
        var floatLoss = Evaluator.Evaluate(floatModel, data.Validation, 8, TrainingSetup.PadId, CPU).Loss;

        var qatModel = TrainingSetup.Model();
        Run(qatModel, QatTestSupport.Method(bits: 8), steps);
        var qatLoss = Evaluator.Evaluate(qatModel, data.Validation, 8, TrainingSetup.PadId, CPU).Loss;

        // Within 2 % of the float run's fall (measured: float 2.9027, 8-bit QAT 2.8995).
        Assert.True(Math.Abs(qatLoss - floatLoss) < 0.02 * (start - floatLoss),
            $"validation loss from {start:F4}: float {floatLoss:F4}, 8-bit QAT {qatLoss:F4}");
    }

    private static void Run(ILanguageModel model, IFineTuneMethod method, long steps)
    {
        using var dir = new TempDirectory();
        new TrainingLoop(model, method, TrainingSetup.Data, TrainingSetup.Options(steps, learningRate: 1e-2), TrainingSetup.PadId, CPU,
            new LocalCheckpointStore(dir.Path)).Run();
    }
}
