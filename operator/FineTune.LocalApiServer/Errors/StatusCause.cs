namespace FineTune.LocalApiServer.Errors;

/// <summary>One entry of <c>Status.details.causes</c>: which field is wrong and why.</summary>
/// <param name="Reason">Machine-readable reason, e.g. <c>FieldValueInvalid</c>.</param>
/// <param name="Field">Field path, e.g. <c>spec.lora.rank</c>.</param>
/// <param name="Message">What is wrong and what is accepted.</param>
public sealed record StatusCause(string Reason, string Field, string Message);
