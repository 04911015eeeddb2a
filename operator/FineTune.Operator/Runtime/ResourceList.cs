namespace FineTune.Operator.Runtime;

/// <summary>The result of a list call: the objects and the collection's resourceVersion to watch from.</summary>
public sealed record ResourceList<T>(IReadOnlyList<T> Items, string ResourceVersion);
