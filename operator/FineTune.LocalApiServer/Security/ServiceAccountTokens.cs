using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace FineTune.LocalApiServer.Security;

/// <summary>Bearer tokens the server issued for service accounts (the TokenRequest API's part, in memory).</summary>
public sealed class ServiceAccountTokens
{
    private readonly ConcurrentDictionary<string, ServiceAccountIdentity> _tokens = new(StringComparer.Ordinal);

    /// <summary>A new token for the service account <paramref name="ns"/>/<paramref name="name"/>.</summary>
    public string Issue(string ns, string name)
    {
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        _tokens[token] = new ServiceAccountIdentity(ns, name);
        return token;
    }

    /// <summary>Whom <paramref name="token"/> was issued for, or null.</summary>
    public ServiceAccountIdentity? Find(string token) => _tokens.GetValueOrDefault(token);
}
