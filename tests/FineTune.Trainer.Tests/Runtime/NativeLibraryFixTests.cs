using System.Diagnostics;
using System.Text;
using FineTune.Trainer.Tests.Checkpoints;

namespace FineTune.Trainer.Tests.Runtime;

/// <summary>
/// Runs trainer/build's MSBuild task (the one every build runs) on a copy of TorchSharp's original native library.
/// </summary>
public sealed class NativeLibraryFixTests
{
    private static readonly byte[] AnchorImport = Encoding.ASCII.GetBytes("_ZSt21ios_base_library_initv\0");
    private static readonly byte[] Replacement = Encoding.ASCII.GetBytes("_ZSt15get_new_handlerv\0");

    [Fact]
    public void Patch_redirects_the_glibcxx_3_4_32_import_and_a_second_run_changes_nothing()
    {
        var original = OriginalLibrary();
        using var dir = new TempDirectory();
        var target = Path.Combine(dir.Path, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(original, target);
        Assert.True(Contains(File.ReadAllBytes(target), AnchorImport));

        var firstLog = RunTask(dir.Path);
        var once = File.ReadAllBytes(target);
        var secondLog = RunTask(dir.Path);
        var twice = File.ReadAllBytes(target);

        Assert.Contains("patched", firstLog);
        Assert.False(Contains(once, AnchorImport));
        Assert.True(Contains(once, Replacement));
        Assert.Equal(new FileInfo(original).Length, once.Length);
        Assert.Contains("already patched", secondLog);
        Assert.Equal(once, twice);
    }

    [Fact]
    public void The_test_output_library_loads_torch()
    {
        // Every other tensor test depends on this; here it is stated directly.
        using var t = TorchSharp.torch.ones(2, 2);
        Assert.Equal(4.0f, t.sum().item<float>());
    }

    private static string RunTask(string directory)
    {
        var project = Path.Combine(directory, "fix.proj");
        File.WriteAllText(project, $"""
            <Project>
              <Import Project="{Path.Combine(RepositoryRoot(), "trainer", "build", "TorchSharpNativeFix.targets")}" />
              <Target Name="Fix"><PatchLibTorchSharp Directory="{directory}" Mode="always" /></Target>
            </Project>
            """);
        var start = new ProcessStartInfo("dotnet", $"msbuild \"{project}\" -t:Fix -nologo -v:n -nodeReuse:false")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "msbuild did not finish within 3 minutes");
        Assert.True(process.ExitCode == 0, stdout.Result + stderr.Result);
        return stdout.Result;
    }

    private static string OriginalLibrary()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var path = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), $"TorchSharp's native library is not in the NuGet cache at {path}");
        return path;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "trainer", "build", "TorchSharpNativeFix.targets"))) return dir.FullName;
        throw new InvalidOperationException("repository root with trainer/build not found above " + AppContext.BaseDirectory);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
