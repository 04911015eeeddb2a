using FineTune.Api.Contract;
using FineTune.Trainer.Data;
using FineTune.Trainer.Jobs;
using FineTune.Trainer.Models;
using FineTune.Trainer.Storage;
using FineTune.Trainer.Tokenization;
using FineTune.Trainer.Training;

namespace FineTune.Trainer.Cli.Commands;

/// <summary>
/// Runs a command body and turns failures into a one-line message on stderr and a documented exit code
/// (<see cref="TrainerExitCodes"/>): bad input 2 (also wrong storage keys or a missing bucket/object), diverged training 3, anything else 1 (also an
/// unreachable store). No stack traces for user errors.
/// </summary>
public static class CommandErrors
{
    /// <summary>Runs <paramref name="body"/>; returns its exit code or the failure's.</summary>
    public static int Guard(TextWriter errors, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (TrainingDivergedException e)
        {
            errors.WriteLine($"error: {e.Message}");
            return TrainerExitCodes.Diverged;
        }
        catch (StorageException e)
        {
            // The message names the operation, endpoint, bucket and key, never a secret. Only an unreachable store may
            // heal by itself; wrong keys, a missing bucket or object need a changed job or Secret.
            errors.WriteLine($"error: {e.Message}");
            return e.Kind == StorageErrorKind.Unavailable ? TrainerExitCodes.Failed : TrainerExitCodes.InvalidInput;
        }
        catch (Exception e) when (e is JobInputException or ModelFormatException or DatasetException or TokenizerLoadException
                                      or ArgumentException or NotSupportedException or FileNotFoundException or DirectoryNotFoundException)
        {
            errors.WriteLine($"error: {e.Message}");
            return TrainerExitCodes.InvalidInput;
        }
        catch (Exception e)
        {
            errors.WriteLine($"error: {e.GetType().Name}: {e.Message}");
            return TrainerExitCodes.Failed;
        }
    }
}
