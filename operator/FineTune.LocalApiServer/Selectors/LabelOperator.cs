namespace FineTune.LocalApiServer.Selectors;

/// <summary>The operators of a Kubernetes label selector requirement.</summary>
public enum LabelOperator
{
    /// <summary><c>key=value</c> or <c>key==value</c>.</summary>
    Equals,
    /// <summary><c>key!=value</c> (also true when the label is absent).</summary>
    NotEquals,
    /// <summary><c>key in (a,b)</c>.</summary>
    In,
    /// <summary><c>key notin (a,b)</c> (also true when the label is absent).</summary>
    NotIn,
    /// <summary><c>key</c>.</summary>
    Exists,
    /// <summary><c>!key</c>.</summary>
    DoesNotExist,
}
