// MSBuild task compiled inline by TorchSharpNativeFix.targets (RoslynCodeTaskFactory), so the fix needs nothing but
// the .NET SDK. It makes TorchSharp's libLibTorchSharp.so load on hosts whose libstdc++ predates GCC 13.
//
// Why: TorchSharp 0.107 ships a libLibTorchSharp.so built with GCC 15. Its only import of version GLIBCXX_3.4.32 is
// std::ios_base_library_init(), an empty anchor function. On Debian 12 (libstdc++ stops at 3.4.30) the loader refuses
// the whole library. The fix, measured on these machines: rename that undefined dynamic symbol to an existing older
// libstdc++ function (std::get_new_handler(), GLIBCXX_3.4.20), point its version index at the 3.4.20 entry, and mark
// the 3.4.32 version need weak, so its absence is no longer fatal. The edit is done in place (the new name is shorter),
// is idempotent, and leaves the file untouched where the host libstdc++ already has 3.4.32.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;

/// <summary>Patches every libLibTorchSharp.so under <see cref="Directory"/> so it loads without GLIBCXX_3.4.32.</summary>
public class PatchLibTorchSharp : Microsoft.Build.Utilities.Task
{
    private const string MissingVersion = "GLIBCXX_3.4.32";
    private const string ReplacementVersion = "GLIBCXX_3.4.20";
    private const string AnchorSymbol = "_ZSt21ios_base_library_initv"; // std::ios_base_library_init()
    private const string ReplacementSymbol = "_ZSt15get_new_handlerv"; // std::get_new_handler(), GLIBCXX_3.4.20
    private const ushort VerFlagWeak = 0x2;
    private const uint ShtDynsym = 11, ShtGnuVersym = 0x6fffffff, ShtGnuVerneed = 0x6ffffffe;

    /// <summary>Build or publish output folder to search (recursively).</summary>
    [Required]
    public string Directory { get; set; } = "";

    /// <summary>auto (patch only where the host libstdc++ lacks GLIBCXX_3.4.32), always, or never.</summary>
    public string Mode { get; set; } = "auto";

    /// <inheritdoc />
    public override bool Execute()
    {
        if (Mode == "never" || !System.IO.Directory.Exists(Directory)) return true;
        var libraries = System.IO.Directory.GetFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories);
        if (libraries.Length == 0) return true;
        if (Mode == "auto" && HostLibStdCxxHasVersion()) return true;
        foreach (var path in libraries)
        {
            try
            {
                var outcome = PatchFile(path);
                Log.LogMessage(MessageImportance.Normal, $"libLibTorchSharp.so fix: {path}: {outcome}");
            }
            catch (InvalidDataException e)
            {
                Log.LogWarning($"libLibTorchSharp.so fix: {path}: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }

    /// <summary>True when a libstdc++ on this host already provides GLIBCXX_3.4.32 (no fix needed).</summary>
    public static bool HostLibStdCxxHasVersion()
    {
        string[] dirs = { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib" };
        var found = dirs.Select(d => Path.Combine(d, "libstdc++.so.6")).Where(File.Exists).ToList();
        if (found.Count == 0) return false;
        var needle = Encoding.ASCII.GetBytes(MissingVersion + "\0");
        return found.Any(f => IndexOf(File.ReadAllBytes(f), needle, 0) >= 0);
    }

    /// <summary>Applies the fix to one file; returns "patched" or "already patched". Throws InvalidDataException when the
    /// file does not have the expected shape (then it is left unchanged).</summary>
    public static string PatchFile(string path)
    {
        var elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("not a 64-bit little-endian ELF file");

        var sections = ReadSections(elf);
        var dynsym = sections.FirstOrDefault(s => s.Type == ShtDynsym) ?? throw new InvalidDataException("no .dynsym section");
        var versym = sections.FirstOrDefault(s => s.Type == ShtGnuVersym) ?? throw new InvalidDataException("no .gnu.version section");
        var verneed = sections.FirstOrDefault(s => s.Type == ShtGnuVerneed) ?? throw new InvalidDataException("no .gnu.version_r section");
        var dynstr = sections[(int)dynsym.Link];

        var needs = ReadVersionNeeds(elf, verneed, dynstr);
        var missing = needs.FirstOrDefault(n => n.Name == MissingVersion);
        if (missing is null) return "no GLIBCXX_3.4.32 need (nothing to do)";
        var replacement = needs.FirstOrDefault(n => n.Name == ReplacementVersion && n.File == missing.File)
            ?? throw new InvalidDataException($"no {ReplacementVersion} version need to redirect to");

        int symbolCount = (int)(dynsym.Size / 24);
        var users = new List<int>();
        for (int i = 0; i < symbolCount; i++)
            if ((U16(elf, versym.Offset + i * 2) & 0x7fff) == missing.Index) users.Add(i);

        bool changed = false;
        foreach (int i in users)
        {
            long sym = dynsym.Offset + i * 24L;
            string name = CString(elf, dynstr.Offset + U32(elf, sym));
            if (name != AnchorSymbol || U16(elf, sym + 6) != 0)
                throw new InvalidDataException($"symbol {name} needs {MissingVersion}; only {AnchorSymbol} can be redirected");
            RenameInPlace(elf, dynsym, dynstr, symbolCount, U32(elf, sym));
            ushort hiddenBit = (ushort)(U16(elf, versym.Offset + i * 2) & 0x8000);
            W16(elf, versym.Offset + i * 2, (ushort)(hiddenBit | replacement.Index));
            changed = true;
        }
        if ((missing.Flags & VerFlagWeak) == 0)
        {
            W16(elf, missing.FlagsOffset, (ushort)(missing.Flags | VerFlagWeak));
            changed = true;
        }
        if (!changed) return "already patched";

        var temp = path + ".patching";
        File.WriteAllBytes(temp, elf);
        File.Copy(temp, path, true);
        File.Delete(temp);
        return "patched";
    }

    private static void RenameInPlace(byte[] elf, Section dynsym, Section dynstr, int symbolCount, uint nameOffset)
    {
        // Another symbol may share the tail of this string (linkers merge suffixes); then an in-place edit would rename
        // it too, so refuse rather than corrupt.
        uint end = nameOffset + (uint)AnchorSymbol.Length;
        for (int j = 0; j < symbolCount; j++)
        {
            uint other = U32(elf, dynsym.Offset + j * 24L);
            if (other > nameOffset && other <= end)
                throw new InvalidDataException($"the name {AnchorSymbol} is shared with another symbol");
        }
        var bytes = Encoding.ASCII.GetBytes(ReplacementSymbol);
        long at = dynstr.Offset + nameOffset;
        Array.Clear(elf, (int)at, AnchorSymbol.Length);
        Array.Copy(bytes, 0, elf, at, bytes.Length);
    }

    // Plain classes, not records: inline tasks compile against reference assemblies without IsExternalInit.
    private sealed class Section
    {
        public Section(uint type, long offset, long size, uint link) { Type = type; Offset = offset; Size = size; Link = link; }
        public uint Type { get; }
        public long Offset { get; }
        public long Size { get; }
        public uint Link { get; }
    }

    private sealed class VersionNeed
    {
        public VersionNeed(string file, string name, ushort index, ushort flags, long flagsOffset)
        { File = file; Name = name; Index = index; Flags = flags; FlagsOffset = flagsOffset; }
        public string File { get; }
        public string Name { get; }
        public ushort Index { get; }
        public ushort Flags { get; }
        public long FlagsOffset { get; }
    }

    private static List<Section> ReadSections(byte[] elf)
    {
        long shoff = (long)U64(elf, 0x28);
        int shentsize = U16(elf, 0x3A), shnum = U16(elf, 0x3C);
        var list = new List<Section>();
        for (int i = 0; i < shnum; i++)
        {
            long h = shoff + (long)i * shentsize;
            list.Add(new Section(U32(elf, h + 4), (long)U64(elf, h + 24), (long)U64(elf, h + 32), U32(elf, h + 40)));
        }
        return list;
    }

    private static List<VersionNeed> ReadVersionNeeds(byte[] elf, Section verneed, Section dynstr)
    {
        var result = new List<VersionNeed>();
        long need = verneed.Offset;
        while (true)
        {
            string file = CString(elf, dynstr.Offset + U32(elf, need + 4));
            long aux = need + U32(elf, need + 8);
            for (int k = 0; k < U16(elf, need + 2); k++)
            {
                result.Add(new VersionNeed(file, CString(elf, dynstr.Offset + U32(elf, aux + 8)),
                    U16(elf, aux + 6), U16(elf, aux + 4), aux + 4));
                uint nextAux = U32(elf, aux + 12);
                if (nextAux == 0) break;
                aux += nextAux;
            }
            uint next = U32(elf, need + 12);
            if (next == 0) break;
            need += next;
        }
        return result;
    }

    private static string CString(byte[] b, long at)
    {
        long end = at;
        while (b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, (int)at, (int)(end - at));
    }

    private static int IndexOf(byte[] hay, byte[] needle, int start)
    {
        for (int i = start; i <= hay.Length - needle.Length; i++)
        {
            int k = 0;
            while (k < needle.Length && hay[i + k] == needle[k]) k++;
            if (k == needle.Length) return i;
        }
        return -1;
    }

    private static ushort U16(byte[] b, long at) => BitConverter.ToUInt16(b, (int)at);
    private static uint U32(byte[] b, long at) => BitConverter.ToUInt32(b, (int)at);
    private static ulong U64(byte[] b, long at) => BitConverter.ToUInt64(b, (int)at);
    private static void W16(byte[] b, long at, ushort v) => BitConverter.GetBytes(v).CopyTo(b, at);
}
