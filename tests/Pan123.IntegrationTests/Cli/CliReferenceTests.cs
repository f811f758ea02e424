using Pan123.IntegrationTests.Support;

namespace Pan123.IntegrationTests.Cli;

/// <summary>
/// docs/cli.md quotes the tool's own --help for the tool and every command: each quote must be what
/// the tool under test prints today, and every command the tool has must be quoted, so the page cannot drift.
/// </summary>
[Trait(CliProcess.Trait, CliProcess.TraitValue)]
public sealed class CliReferenceTests
{
    private static readonly string Page = File.ReadAllText(Path.Combine(Repository.Root, "docs", "cli.md"));

    private static readonly string[] Quoted = ["", "ls", "download-info", "download", "login", "logout", "whoami", "sandbox"];

    public static TheoryData<string> Commands() => [.. Quoted];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task The_reference_quotes_the_help_the_tool_prints(string command)
    {
        var run = await CliProcess.RunAsync(Path.GetTempPath(), new Dictionary<string, string?>(), [.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var heading = $"### `pan123 {(command.Length > 0 ? command + " " : string.Empty)}--help`";
        Assert.Contains(heading, Page, StringComparison.Ordinal);
        var quoted = Page[(Page.IndexOf(heading, StringComparison.Ordinal) + heading.Length)..];
        quoted = quoted[(quoted.IndexOf("```text\n", StringComparison.Ordinal) + "```text\n".Length)..];
        quoted = quoted[..quoted.IndexOf("\n```", StringComparison.Ordinal)];
        Assert.Equal(run.Stdout.TrimEnd().ReplaceLineEndings("\n"), quoted.TrimEnd());
    }

    [Fact]
    public async Task Every_command_of_the_tool_is_in_the_reference()
    {
        var run = await CliProcess.RunAsync(Path.GetTempPath(), new Dictionary<string, string?>(), "--help");

        var listed = run.Stdout[run.Stdout.IndexOf("Commands:", StringComparison.Ordinal)..].Split('\n').Skip(1)
            .Select(line => line.Trim().Split(' ')[0]).Where(name => name.Length > 0).ToList();
        Assert.NotEmpty(listed);
        Assert.Equal(listed.Order(), Quoted.Where(c => c.Length > 0).Order());
    }
}
