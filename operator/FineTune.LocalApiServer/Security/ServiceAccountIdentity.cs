namespace FineTune.LocalApiServer.Security;

/// <summary>A service account a bearer token stands for.</summary>
/// <param name="Namespace">The service account's namespace.</param>
/// <param name="Name">The service account's name.</param>
public sealed record ServiceAccountIdentity(string Namespace, string Name)
{
    /// <summary>The user name Kubernetes gives it: <c>system:serviceaccount:ns:name</c>.</summary>
    public string UserName => $"system:serviceaccount:{Namespace}:{Name}";
}
