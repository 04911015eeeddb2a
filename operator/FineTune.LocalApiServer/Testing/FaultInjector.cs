namespace FineTune.LocalApiServer.Testing;

/// <summary>Holds the injected faults; each request takes the first live rule that matches it.</summary>
public sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly List<(FaultRule Rule, int Remaining)> _rules = new();

    /// <summary>Adds a rule.</summary>
    public void Add(FaultRule rule)
    {
        lock (_gate) _rules.Add((rule, rule.Times));
    }

    /// <summary>Fails the next <paramref name="times"/> requests of <paramref name="verb"/> on <paramref name="resource"/> with <paramref name="statusCode"/>.</summary>
    public void FailNext(string verb, string resource, int statusCode, int times = 1, string? message = null) =>
        Add(new FaultRule { Verb = verb, Resource = resource, StatusCode = statusCode, Times = times, Message = message });

    /// <summary>Removes every rule.</summary>
    public void Clear()
    {
        lock (_gate) _rules.Clear();
    }

    /// <summary>How many rules are not spent yet.</summary>
    public int Pending
    {
        get { lock (_gate) return _rules.Count; }
    }

    /// <summary>The rule this request triggers (and spends one use of), or null.</summary>
    public FaultRule? Take(string verb, string resource)
    {
        lock (_gate)
        {
            for (var i = 0; i < _rules.Count; i++)
            {
                var (rule, remaining) = _rules[i];
                if (rule.Verb != "*" && rule.Verb != verb) continue;
                if (rule.Resource != "*" && rule.Resource != resource) continue;
                if (remaining > 0)
                {
                    if (remaining == 1) _rules.RemoveAt(i);
                    else _rules[i] = (rule, remaining - 1);
                }
                return rule;
            }
            return null;
        }
    }
}
