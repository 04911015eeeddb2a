using System.Text.Json.Nodes;
using FineTune.LocalApiServer.Errors;

namespace FineTune.LocalApiServer.Selectors;

/// <summary>
/// A parsed <c>fieldSelector</c> query: comma-separated <c>path=value</c>, <c>path==value</c> or <c>path!=value</c>
/// terms over dotted field paths (<c>metadata.name</c>, <c>metadata.namespace</c>, <c>status.phase</c>...).
/// Unlike Kubernetes, any scalar field path is accepted, not only the ones a resource indexes.
/// </summary>
public sealed class FieldSelector
{
    /// <summary>The selector that matches everything.</summary>
    public static readonly FieldSelector Everything = new([]);

    private readonly IReadOnlyList<(string[] Path, bool Equal, string Value)> _terms;

    private FieldSelector(IReadOnlyList<(string[] Path, bool Equal, string Value)> terms) => _terms = terms;

    /// <summary>Parses a selector; a malformed one is a 400 naming the term that is wrong.</summary>
    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Everything;
        var terms = new List<(string[], bool, string)>();
        foreach (var raw in text.Split(','))
        {
            var term = raw.Trim();
            var (at, length, equal) = term.IndexOf("!=", StringComparison.Ordinal) is var ne and >= 0 ? (ne, 2, false)
                : term.IndexOf("==", StringComparison.Ordinal) is var ee and >= 0 ? (ee, 2, true)
                : (term.IndexOf('='), 1, true);
            if (at <= 0)
                throw ApiException.BadRequest(
                    $"invalid fieldSelector term '{term}': expected field=value, field==value or field!=value");
            terms.Add((term[..at].Trim().Split('.'), equal, term[(at + length)..].Trim()));
        }
        return new FieldSelector(terms);
    }

    /// <summary>True when every term holds for <paramref name="obj"/>; a missing field reads as the empty string.</summary>
    public bool Matches(JsonObject obj)
    {
        foreach (var (path, equal, value) in _terms)
        {
            JsonNode? node = obj;
            foreach (var segment in path) node = (node as JsonObject)?[segment];
            var actual = node is JsonValue v ? v.ToString() : "";
            if ((actual == value) != equal) return false;
        }
        return true;
    }
}
