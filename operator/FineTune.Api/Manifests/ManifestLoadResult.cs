using FineTune.Api.Validation;
using FineTune.Api.V1Alpha1;

namespace FineTune.Api.Manifests;

/// <summary>The jobs read from a file, or every problem found in it.</summary>
/// <param name="Jobs">Valid jobs, with defaults filled in; empty when there are errors.</param>
/// <param name="Errors">Every problem, each with its field path and, where known, line and column.</param>
public sealed record ManifestLoadResult(IReadOnlyList<FineTuneJob> Jobs, IReadOnlyList<ValidationError> Errors)
{
    /// <summary>True when the file held at least one job and no problem.</summary>
    public bool IsValid => Errors.Count == 0 && Jobs.Count > 0;
}
