namespace FineTune.Chart.Tests.Support;

/// <summary>One verb on one resource of one API group ("" for core), as RBAC rules grant it.</summary>
public sealed record ApiGrant(string Group, string Resource, string Verb)
{
    /// <inheritdoc />
    public override string ToString() => $"{(Group.Length == 0 ? "core" : Group)}/{Resource}:{Verb}";
}
