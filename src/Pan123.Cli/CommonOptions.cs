namespace Pan123.Cli;

using System.CommandLine;

/// <summary>The settings every command takes.</summary>
internal sealed record CommonSettings(string? BaseUrl, bool UseSandbox, bool Verbose);

/// <summary>The options every command takes, declared once on the root command (recursive).</summary>
internal sealed class CommonOptions
{
    public Option<string?> BaseUrl { get; } = new("--base-url")
    {
        Description = "The platform API address (default: PAN123_BASE_URL, else https://open-api.123pan.com).",
        Recursive = true,
    };

    public Option<bool> Sandbox { get; } = new("--sandbox")
    {
        Description = "Run against the embedded sandbox platform on loopback, with demo credentials.",
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Show details (exception types and inner errors) on failure.",
        Recursive = true,
    };

    public IEnumerable<Option> All => [BaseUrl, Sandbox, Verbose];

    public CommonSettings Read(ParseResult parse) =>
        new(parse.GetValue(BaseUrl), parse.GetValue(Sandbox), parse.GetValue(Verbose));

    /// <summary>The <c>&lt;fileId&gt;</c> argument: a positive integer, checked while parsing (exit code 2).</summary>
    public static Argument<long> FileIdArgument() => new("fileId")
    {
        Description = "The file's id on the platform (a positive integer).",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                return id;
            }

            result.AddError($"fileId must be a positive integer, not '{text}'.");
            return 0;
        },
    };
}
