using System.Text.RegularExpressions;

namespace FineTune.Api.Validation;

/// <summary>Builds the dotted field paths used in messages: <c>spec.rlhf.stages[1].dataset.format</c>.</summary>
public static partial class FieldPath
{
    /// <summary>Path of a field of an object.</summary>
    public static string Child(string parent, string name)
    {
        var segment = PlainName().IsMatch(name) ? name : $"[\"{name}\"]";
        return parent.Length == 0 ? segment : segment.StartsWith('[') ? parent + segment : $"{parent}.{segment}";
    }

    /// <summary>Path of a list item.</summary>
    public static string Index(string parent, int index) => $"{parent}[{index}]";

    /// <summary>Path named by a CEL rule's fieldPath (<c>.output.save</c>) relative to the rule's object.</summary>
    public static string Relative(string parent, string? fieldPath)
    {
        if (string.IsNullOrEmpty(fieldPath))
        {
            return parent;
        }

        var path = parent;
        foreach (var name in fieldPath.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            path = Child(path, name);
        }

        return path;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex PlainName();
}
