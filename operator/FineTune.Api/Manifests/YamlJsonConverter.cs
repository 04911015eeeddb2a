using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FineTune.Api.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FineTune.Api.Manifests;

/// <summary>
/// Turns a YAML document into a JSON tree, remembering where each field was written so errors can name the line and
/// column. Plain scalars are typed by the YAML 1.2 core schema (so <c>rank: 8</c> is a number, <c>rank: "8"</c> a
/// string, and <c>yes</c> stays a string rather than becoming a boolean).
/// </summary>
public static partial class YamlJsonConverter
{
    /// <summary>Converts <paramref name="root"/>; <paramref name="positions"/> receives field path → (line, column).</summary>
    public static JsonNode? Convert(YamlNode root, Dictionary<string, Mark> positions) => Convert(root, "", positions);

    private static JsonNode? Convert(YamlNode node, string path, Dictionary<string, Mark> positions)
    {
        positions.TryAdd(path, node.Start);
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    var key = keyNode is YamlScalarNode scalarKey ? scalarKey.Value ?? "" : keyNode.ToString();
                    var childPath = FieldPath.Child(path, key);
                    // A field's own line is where its key is written; nested values are found through their own paths.
                    positions[childPath] = keyNode.Start;
                    obj[key] = Convert(valueNode, childPath, positions);
                    positions[childPath] = keyNode.Start;
                }

                return obj;
            case YamlSequenceNode sequence:
                var list = new JsonArray();
                var index = 0;
                foreach (var item in sequence.Children)
                {
                    list.Add(Convert(item, FieldPath.Index(path, index++), positions));
                }

                return list;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new YamlException(node.Start, node.End, "unsupported YAML node");
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain || scalar.Tag == "tag:yaml.org,2002:str")
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE")
        {
            return JsonValue.Create(true);
        }

        if (text is "false" or "False" or "FALSE")
        {
            return JsonValue.Create(false);
        }

        if (Integer().IsMatch(text))
        {
            return JsonNode.Parse(text.TrimStart('+'));
        }

        if (text.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex))
        {
            return JsonNode.Parse(hex.ToString(CultureInfo.InvariantCulture));
        }

        if (Float().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return JsonNode.Parse(number.ToString("R", CultureInfo.InvariantCulture));
        }

        return JsonValue.Create(text);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
