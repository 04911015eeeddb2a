using FineTune.Api.Schema;

// `make manifests`: writes the generated CRD into the folder given as the only argument (crds/).
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: crdgen <output-directory>");
    return 2;
}

Directory.CreateDirectory(args[0]);
var path = Path.Combine(args[0], FineTuneJobCrd.FileName);
File.WriteAllText(path, FineTuneJobCrd.ToYaml());
Console.WriteLine($"wrote {path}");
return 0;
