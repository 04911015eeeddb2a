using FineTune.LocalApiServer.Errors;

namespace FineTune.LocalApiServer.Selectors;

/// <summary>
/// A parsed <c>labelSelector</c> query: comma-separated requirements, all of which must hold
/// (<c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a in (x,y)</c>, <c>a notin (x,y)</c>, <c>a</c>, <c>!a</c>).
/// </summary>
public sealed class LabelSelector
{
    /// <summary>The selector that matches everything.</summary>
    public static readonly LabelSelector Everything = new([]);

    private LabelSelector(IReadOnlyList<LabelRequirement> requirements) => Requirements = requirements;

    /// <summary>The requirements, all of which must hold.</summary>
    public IReadOnlyList<LabelRequirement> Requirements { get; }

    /// <summary>True when every requirement holds for <paramref name="labels"/>.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels) => Requirements.All(r => r.Matches(labels));

    /// <summary>Parses a selector; a malformed one is a 400 naming the part that is wrong.</summary>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Everything;
        return new LabelSelector(SplitTopLevel(text).Select(ParseRequirement).ToList());
    }

    private static LabelRequirement ParseRequirement(string part)
    {
        var term = part.Trim();
        if (term.Length == 0) throw Bad(part, "empty requirement");
        if (term.StartsWith('!')) return new(CheckKey(term[1..].Trim(), part), LabelOperator.DoesNotExist, []);

        var setMatch = System.Text.RegularExpressions.Regex.Match(term, @"^(\S+)\s+(in|notin)\s*\((.*)\)$");
        if (setMatch.Success)
        {
            var values = setMatch.Groups[3].Value.Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).ToList();
            var op = setMatch.Groups[2].Value == "in" ? LabelOperator.In : LabelOperator.NotIn;
            return new(CheckKey(setMatch.Groups[1].Value, part), op, values);
        }
        foreach (var (token, op) in new[] { ("!=", LabelOperator.NotEquals), ("==", LabelOperator.Equals), ("=", LabelOperator.Equals) })
        {
            var at = term.IndexOf(token, StringComparison.Ordinal);
            if (at < 0) continue;
            return new(CheckKey(term[..at].Trim(), part), op, [term[(at + token.Length)..].Trim()]);
        }
        return new(CheckKey(term, part), LabelOperator.Exists, []);
    }

    private static string CheckKey(string key, string part)
    {
        if (key.Length == 0 || key.Any(c => char.IsWhiteSpace(c) || c is '(' or ')' or ',' or '=' or '!'))
            throw Bad(part, $"invalid label key '{key}'");
        return key;
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')') depth--;
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }

    private static ApiException Bad(string part, string why) =>
        ApiException.BadRequest($"unable to parse requirement '{part.Trim()}' of labelSelector: {why}; " +
            "accepted forms: key=value, key!=value, key in (a,b), key notin (a,b), key, !key");
}
