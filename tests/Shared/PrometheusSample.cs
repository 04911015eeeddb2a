namespace FineTune.Testing;

/// <summary>One sample of a Prometheus instant query: the series' labels and its value.</summary>
public sealed record PrometheusSample(IReadOnlyDictionary<string, string> Labels, double Value);
