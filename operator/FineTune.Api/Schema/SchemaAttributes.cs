namespace FineTune.Api.Schema;

/// <summary>Inclusive or exclusive lower bound of a number (OpenAPI <c>minimum</c> / <c>exclusiveMinimum</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MinimumAttribute(double value) : Attribute
{
    /// <summary>The bound.</summary>
    public double Value { get; } = value;

    /// <summary>When true the bound itself is not accepted.</summary>
    public bool Exclusive { get; init; }
}

/// <summary>Inclusive or exclusive upper bound of a number (OpenAPI <c>maximum</c> / <c>exclusiveMaximum</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MaximumAttribute(double value) : Attribute
{
    /// <summary>The bound.</summary>
    public double Value { get; } = value;

    /// <summary>When true the bound itself is not accepted.</summary>
    public bool Exclusive { get; init; }
}

/// <summary>The only integer values accepted (OpenAPI <c>enum</c> on an integer).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AllowedIntegersAttribute(params long[] values) : Attribute
{
    /// <summary>Accepted values, in the order they are listed to users.</summary>
    public IReadOnlyList<long> Values { get; } = values;
}

/// <summary>A regular expression a string must match, with the words used to tell users what is accepted.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PatternAttribute(string regex, string accepted) : Attribute
{
    /// <summary>ECMA-262 compatible expression, anchored by the author.</summary>
    public string Regex { get; } = regex;

    /// <summary>What a valid value looks like, e.g. "a Kubernetes quantity such as 4, 500m or 32Gi".</summary>
    public string Accepted { get; } = accepted;
}

/// <summary>Bounds on the number of items in a list.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ItemCountAttribute : Attribute
{
    /// <summary>Fewest items accepted; -1 for no bound.</summary>
    public int Min { get; init; } = -1;

    /// <summary>Most items accepted; -1 for no bound.</summary>
    public int Max { get; init; } = -1;
}

/// <summary>Bounds on the length of a string.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class LengthAttribute : Attribute
{
    /// <summary>Shortest length accepted; -1 for no bound.</summary>
    public int Min { get; init; } = -1;

    /// <summary>Longest length accepted; -1 for no bound.</summary>
    public int Max { get; init; } = -1;
}

/// <summary>A string property that also accepts an integer (Kubernetes quantities: <c>cpu: 4</c> or <c>cpu: "500m"</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class IntOrStringAttribute : Attribute;

/// <summary>A string property holding an RFC 3339 timestamp (OpenAPI <c>format: date-time</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DateTimeFormatAttribute : Attribute;

/// <summary>
/// A cross-field rule in the Common Expression Language, emitted as <c>x-kubernetes-validations</c> and evaluated by
/// the C# validator too, so the API server and the CLI give the same message. Rules on a class see the object as
/// <c>self</c>; rules on a property see that property's value.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true)]
public sealed class CelRuleAttribute(string rule, string message) : Attribute
{
    /// <summary>A CEL expression that must evaluate to true.</summary>
    public string Rule { get; } = rule;

    /// <summary>The message shown when the rule fails.</summary>
    public string Message { get; } = message;

    /// <summary>
    /// Optional JSON path (from <c>self</c>, starting with a dot) of the field the message is about, so errors point
    /// at <c>spec.lora</c> rather than <c>spec</c>.
    /// </summary>
    public string? FieldPath { get; init; }

    /// <summary>Optional CEL expression producing the message, used to include the offending value.</summary>
    public string? MessageExpression { get; init; }
}
