namespace FineTune.Api.Validation;

/// <summary>One x-kubernetes-validations entry.</summary>
/// <param name="Rule">CEL expression that must be true.</param>
/// <param name="Message">Fixed message.</param>
/// <param name="MessageExpression">CEL expression producing the message.</param>
/// <param name="FieldPath">Path from self of the field the message is about (starts with a dot).</param>
public sealed record CelRule(string Rule, string? Message, string? MessageExpression, string? FieldPath);
