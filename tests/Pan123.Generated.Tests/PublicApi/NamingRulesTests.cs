using System.Text.RegularExpressions;

namespace Pan123.Tests.PublicApi;

/// <summary>
/// The .NET design guidelines over every approved listing, so no wire spelling reaches the public
/// surface: members and types PascalCase, parameters camelCase, no underscore, "Id" rather than "ID".
/// The contract keeps the platform's spelling; the generator's naming rule (templates/Pan123.CSharpName.liquid)
/// and x-csharp-name make the C# names.
/// </summary>
public sealed partial class NamingRulesTests
{
    // Every package's listing (Pan123.Generated.approved.txt, Pan123.Generated.Redis.approved.txt); not the generated-client snapshot, which is code.
    public static TheoryData<string> Listings() => [.. Directory.GetFiles(ListingFolder(), "*.approved.txt")
        .Where(path => !Path.GetFileName(path).Contains(".g.", StringComparison.Ordinal))
        .Select(path => Path.GetFileName(path))];

    [Theory]
    [MemberData(nameof(Listings))]
    public void Every_public_name_follows_the_dotnet_naming_guidelines(string listing)
    {
        var text = File.ReadAllText(Path.Combine(ListingFolder(), listing));
        var problems = new List<string>();
        foreach (Match member in MemberName().Matches(text))
        {
            Check(member.Groups["name"].Value, pascal: true, member.Value, problems);
        }

        foreach (Match parameters in ParameterList().Matches(text))
        {
            foreach (Match parameter in ParameterName().Matches(parameters.Groups["list"].Value))
            {
                Check(parameter.Groups["name"].Value, pascal: false, parameters.Value, problems);
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_rule_catches_wire_spellings()
    {
        var problems = new List<string>();
        Check("Access_token", pascal: true, "Access_token", problems);
        Check("FileID", pascal: true, "FileID", problems);
        Check("client_id", pascal: false, "client_id", problems);
        Check("FileId", pascal: false, "FileId", problems);
        Check("fileId", pascal: false, "fileId", problems);
        Check("ETag", pascal: true, "ETag", problems);

        Assert.Equal(4, problems.Count);
    }

    private static string ListingFolder()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory!.FullName, "Pan123.Generated.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory.FullName, "tests", "Pan123.Generated.Tests", "PublicApi");
    }

    private static void Check(string name, bool pascal, string where, List<string> problems)
    {
        if (name.Contains('_', StringComparison.Ordinal) || name.EndsWith("ID", StringComparison.Ordinal) || char.IsUpper(name[0]) != pascal)
        {
            problems.Add($"{name} ({(pascal ? "PascalCase" : "camelCase")}): {where.Trim()}");
        }
    }

    // Types, properties, methods, fields and enum members as PublicApiGenerator lists them.
    [GeneratedRegex(@"^\s*(public|protected)[^(=\n]*?\s(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*(\{ get|\(|<|$| :| =)", RegexOptions.Multiline)]
    private static partial Regex MemberName();

    [GeneratedRegex(@"\((?<list>[^()]*)\)\s*(\{|;|where|$)", RegexOptions.Multiline)]
    private static partial Regex ParameterList();

    [GeneratedRegex(@"(?:^|,\s*)(?:\[[^\]]*\]\s*)?(?:this |params |out |ref |in )?[A-Za-z_][\w.<>,?\[\] ]*?\s(?<name>[A-Za-z_]\w*)(?=\s*(=|,|$))")]
    private static partial Regex ParameterName();
}
