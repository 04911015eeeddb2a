using System.Globalization;
using System.Text.Json;
using FineTune.Api.Contract;
using FineTune.Trainer.Jobs;

namespace FineTune.Trainer.Methods.Rlhf;

/// <summary>
/// What the operator tells an rlhf stage's pod beyond the manifest: the iteration (FINETUNE_ITERATION, from 1) and the
/// output URIs of earlier stages (FINETUNE_STAGE_INPUTS: stage name → URI of the latest earlier stage of that name; from
/// iteration 2 the previous iteration's stages are there too).
/// </summary>
/// <param name="Iteration">1-based iteration.</param>
/// <param name="StageInputs">Stage name → output URI.</param>
public sealed record RlhfStageContext(int Iteration, IReadOnlyDictionary<string, string> StageInputs)
{
    /// <summary>The first iteration with no earlier stages (a stage run by hand).</summary>
    public static RlhfStageContext First { get; } = new(1, new Dictionary<string, string>());

    /// <summary>The context from the process environment.</summary>
    public static RlhfStageContext FromEnvironment(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return Parse(environment(TrainerEnvironment.Iteration), environment(TrainerEnvironment.StageInputs));
    }

    /// <summary>
    /// The context from the two variables' text (null or empty: iteration 1, no inputs).
    /// </summary>
    /// <exception cref="JobInputException">A value is malformed; the message names the variable.</exception>
    public static RlhfStageContext Parse(string? iteration, string? stageInputs)
    {
        var number = 1;
        if (!string.IsNullOrWhiteSpace(iteration)
            && (!int.TryParse(iteration, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number < 1))
            throw new JobInputException($"{TrainerEnvironment.Iteration}: '{iteration}' is not an iteration; expected a whole number from 1.");
        var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(stageInputs))
        {
            try
            {
                using var document = JsonDocument.Parse(stageInputs);
                if (document.RootElement.ValueKind != JsonValueKind.Object) throw new FormatException();
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.String || property.Value.GetString() is not { Length: > 0 } uri)
                        throw new FormatException();
                    inputs[property.Name] = uri;
                }
            }
            catch (Exception e) when (e is JsonException or FormatException)
            {
                throw new JobInputException(
                    $"{TrainerEnvironment.StageInputs}: not a JSON object of stage name to output URI; expected e.g. {{\"sft\": \"s3://runs/job/run/sft/\"}}.");
            }
        }
        return new RlhfStageContext(number, inputs);
    }
}
