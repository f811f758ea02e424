using System.Reflection;
using System.Text.RegularExpressions;
using Shouldly;

namespace Pan123.Tests.PublicApi;

/// <summary>
/// The generated client file itself (under obj/) against the checked-in
/// Pan123Client.g.approved.txt: the public API listing shows signatures, this shows what the
/// template and the generator write inside them, so a template edit or an NSwag upgrade that
/// changes method bodies is seen in review (CONTRIBUTING.md: "Changing the contract"). The generator's
/// version is stripped, since it changes every line it stands on and nothing else.
/// </summary>
public sealed partial class GeneratedClientApprovalTests
{
    [Fact]
    public void The_generated_client_matches_the_approved_snapshot()
    {
        var generated = File.ReadAllText(GeneratedFile());

        var normalized = ToolchainVersion().Replace(generated, "<toolchain version>").ReplaceLineEndings("\n");

        normalized.ShouldMatchApproved(options => options
            .NoDiff()
            .WithFilenameGenerator((_, _, fileType, extension) => $"Pan123Client.g.{fileType}.{extension}"));
    }

    // The version NSwag writes into the header and every GeneratedCode attribute.
    [GeneratedRegex(@"v?\d+\.\d+\.\d+\.\d+ \(NJsonSchema v[\d.]+ \(Newtonsoft\.Json v[\d.]+\)\)")]
    private static partial Regex ToolchainVersion();

    private static string GeneratedFile()
    {
        var configuration = typeof(GeneratedClientApprovalTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Pan123.Generated.sln")))
        {
            directory = directory.Parent;
        }

        var file = Path.Combine(directory!.FullName, "src", "Pan123.Generated", "obj", configuration, "net10.0", "Generated", "Pan123Client.g.cs");
        return File.Exists(file) ? file : throw new FileNotFoundException("Build src/Pan123.Generated first.", file);
    }
}
