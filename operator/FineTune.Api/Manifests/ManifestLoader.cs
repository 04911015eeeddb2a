using System.Text.Json.Nodes;
using FineTune.Api.Validation;
using FineTune.Api.V1Alpha1;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FineTune.Api.Manifests;

/// <summary>
/// Reads FineTuneJob manifests from YAML (one or more documents) and validates them with the CRD's rules. Problems
/// come back as values with file, line, column and field path; nothing throws for bad input.
/// </summary>
public static class ManifestLoader
{
    /// <summary>Reads and validates a manifest file.</summary>
    public static ManifestLoadResult LoadFile(string path)
    {
        if (!File.Exists(path))
        {
            return new ManifestLoadResult([], [new ValidationError("", "file not found") { File = path }]);
        }

        return LoadText(File.ReadAllText(path), path);
    }

    /// <summary>Reads and validates manifest text; <paramref name="fileName"/> is used in messages.</summary>
    public static ManifestLoadResult LoadText(string yaml, string fileName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            return new ManifestLoadResult([], [At(new ValidationError("", $"YAML syntax error: {Innermost(e).Message}") { File = fileName }, e.Start)]);
        }

        var jobs = new List<FineTuneJob>();
        var errors = new List<ValidationError>();
        foreach (var document in stream.Documents)
        {
            var positions = new Dictionary<string, Mark>();
            JsonNode? node;
            try
            {
                node = YamlJsonConverter.Convert(document.RootNode, positions);
            }
            catch (YamlException e)
            {
                errors.Add(At(new ValidationError("", e.Message) { File = fileName }, e.Start));
                continue;
            }

            if (node is null)
            {
                continue;
            }

            var problems = FineTuneJobValidator.Validate(node);
            if (problems.Count > 0)
            {
                // Reported in the order they appear in the file, which is how a user fixes them.
                errors.AddRange(problems.Select(p => Locate(p with { File = fileName }, positions))
                    .OrderBy(p => p.Line ?? int.MaxValue).ThenBy(p => p.Column ?? int.MaxValue));
                continue;
            }

            jobs.Add(FineTuneJson.FromNode(FineTuneJobValidator.WithDefaults(node.AsObject())));
        }

        if (errors.Count == 0 && jobs.Count == 0)
        {
            errors.Add(new ValidationError("", "no FineTuneJob found: the file is empty") { File = fileName });
        }

        return new ManifestLoadResult(errors.Count == 0 ? jobs : [], errors);
    }

    /// <summary>Puts the line of the nearest written ancestor of the error's field on the error.</summary>
    private static ValidationError Locate(ValidationError error, Dictionary<string, Mark> positions)
    {
        for (var path = error.Path; ; path = Parent(path))
        {
            if (positions.TryGetValue(path, out var mark))
            {
                return At(error, mark);
            }

            if (path.Length == 0)
            {
                return error;
            }
        }
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }

    private static ValidationError At(ValidationError error, Mark mark) =>
        error with { Line = (int)mark.Line, Column = (int)mark.Column };

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
