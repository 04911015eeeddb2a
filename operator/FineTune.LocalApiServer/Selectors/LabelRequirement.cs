namespace FineTune.LocalApiServer.Selectors;

/// <summary>One requirement of a label selector: a key, an operator and the values it compares with.</summary>
public sealed record LabelRequirement(string Key, LabelOperator Operator, IReadOnlyList<string> Values)
{
    /// <summary>True when <paramref name="labels"/> satisfy this requirement.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var present = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            LabelOperator.Equals or LabelOperator.In => present && Values.Contains(value!),
            LabelOperator.NotEquals or LabelOperator.NotIn => !present || !Values.Contains(value!),
            LabelOperator.Exists => present,
            LabelOperator.DoesNotExist => !present,
            _ => false,
        };
    }
}
