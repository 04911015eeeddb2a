using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace FineTune.Api.Schema;

/// <summary>
/// Reads the summaries of the compiler-generated XML documentation file that sits beside an assembly, so the CRD's
/// descriptions are the same words as the C# docs.
/// </summary>
public sealed partial class XmlDocumentation
{
    private readonly Dictionary<string, string> _summaries;

    private XmlDocumentation(Dictionary<string, string> summaries) => _summaries = summaries;

    /// <summary>Loads the documentation of <paramref name="assembly"/>; fails when the file is missing.</summary>
    public static XmlDocumentation For(Assembly assembly)
    {
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"XML documentation {path} is missing: build {assembly.GetName().Name} with GenerateDocumentationFile=true", path);
        }

        var summaries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in XDocument.Load(path).Descendants("member"))
        {
            var name = member.Attribute("name")?.Value;
            var summary = member.Element("summary");
            if (name is not null && summary is not null)
            {
                summaries[name] = Flatten(summary);
            }
        }

        return new XmlDocumentation(summaries);
    }

    /// <summary>The summary of a type, or null.</summary>
    public string? Of(Type type) => _summaries.GetValueOrDefault("T:" + MemberName(type));

    /// <summary>The summary of a property, or null.</summary>
    public string? Of(PropertyInfo property) =>
        _summaries.GetValueOrDefault("P:" + MemberName(property.DeclaringType!) + "." + property.Name);

    private static string MemberName(Type type) => type.FullName!.Replace('+', '.');

    private static string Flatten(XElement summary)
    {
        var text = new StringBuilder();
        foreach (var node in summary.Nodes())
        {
            text.Append(node switch
            {
                XText t => t.Value,
                XElement { Name.LocalName: "see" } e => CrefName(e.Attribute("cref")?.Value ?? e.Attribute("langword")?.Value ?? ""),
                XElement e => e.Value,
                _ => "",
            });
        }

        return Whitespace().Replace(text.ToString(), " ").Trim();
    }

    private static string CrefName(string cref) => cref[(cref.LastIndexOfAny([':', '.']) + 1)..];

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
