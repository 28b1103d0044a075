using System.Diagnostics;

namespace IsmSpec.Generator.Tests;

/// <summary>
/// End to end through MSBuild: a user project with the generator as an analyzer and .ism AdditionalFiles.
/// A malformed spec fails `dotnet build` with an error located in the .ism file; a good one yields usable codecs.
/// </summary>
public class UserProjectBuildTests
{
    private static string Project(string dir) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <OutputType>Exe</OutputType>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
          </PropertyGroup>
          <ItemGroup>
            <Reference Include="IsmSpec.Codecs" HintPath="{Path.Combine(AppContext.BaseDirectory, "IsmSpec.Codecs.dll")}" />
            <Analyzer Include="{Path.Combine(AppContext.BaseDirectory, "IsmSpec.Generator.dll")}" />
            <AdditionalFiles Include="*.ism" />
          </ItemGroup>
        </Project>
        """;

    private static (int ExitCode, string Output) Build(string dir, bool run = false)
    {
        var psi = new ProcessStartInfo("dotnet", run ? "run" : "build") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(4)), "dotnet build timed out");
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    private static string NewProject(string spec, string program)
    {
        var dir = Directory.CreateTempSubdirectory("ismspec-user-").FullName;
        File.WriteAllText(Path.Combine(dir, "User.csproj"), Project(dir));
        File.WriteAllText(Path.Combine(dir, "device.ism"), spec);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), program);
        return dir;
    }

    [Fact]
    public void A_malformed_spec_fails_the_build_with_an_error_at_the_ism_line()
    {
        var dir = NewProject("spec mydev version 1;\nstruct my_regs {\n  le32 a;\n  le32 b @8;\n}\n", "System.Console.WriteLine();\n");
        try
        {
            var (exit, output) = Build(dir);
            Assert.NotEqual(0, exit);
            Assert.Contains("device.ism(4,11): error ISM0006", output);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_user_spec_generates_codecs_the_project_can_use()
    {
        var dir = NewProject(
            "spec mydev version 1;\nstruct my_regs { be32 id; le16 flags; reserved u8 pad[2]; }\n",
            "var r = new IsmSpec.Specs.Mydev.MyRegs { Id = 0x01020304, Flags = 5 };\n" +
            "Span<byte> b = stackalloc byte[IsmSpec.Specs.Mydev.MyRegs.Size];\n" +
            "r.TryWrite(b);\nSystem.Console.WriteLine(Convert.ToHexString(b));\n");
        try
        {
            var (exit, output) = Build(dir, run: true);
            Assert.True(exit == 0, output);
            Assert.Contains("0102030405000000", output);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
