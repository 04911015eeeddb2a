using FineTune.Trainer.Methods.Full;
using FineTune.Trainer.Tests.Data;
using FineTune.Trainer.Training;
using FineTune.Trainer.Training.Checkpointing;
using static TorchSharp.torch;

namespace FineTune.Trainer.Tests.Training;

public sealed class MemoryTests
{
    [Fact]
    public void Live_tensor_count_stays_flat_over_50_training_steps()
    {
        using var dir = new TempDirectory();
        var observer = new RecordingObserver();
        new TrainingLoop(TrainingSetup.Model(), new FullMethod(), TrainingSetup.Data, TrainingSetup.Options(50, accumulation: 2),
            TrainingSetup.PadId, CPU, new LocalCheckpointStore(dir.Path), observer).Run();

        Assert.Equal(50, observer.LiveTensorsAfterStep.Count);
        Assert.All(observer.LiveTensorsAfterStep, live => Assert.Equal(observer.LiveTensorsAfterStep[0], live));
    }
}
