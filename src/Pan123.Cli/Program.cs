using System.CommandLine;
using Pan123.Cli;
using Pan123.Cli.Commands;

var common = new CommonOptions();
var root = new RootCommand("pan123: download files from the 123pan (123云盘) open platform.\n\n" + ExitCodes.HelpText)
{
    LsCommand.Create(common),
    DownloadInfoCommand.Create(common),
    DownloadCommand.Create(common),
    LoginCommand.Create(common),
    LoginCommand.CreateLogout(common),
    WhoamiCommand.Create(common),
    SandboxCommand.Create(),
};
foreach (var option in common.All)
{
    root.Options.Add(option);
}

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine($"pan123: error: {error.Message}");
    }

    Console.Error.WriteLine("Run 'pan123 --help' for usage.");
    return ExitCodes.Usage;
}

return await parse.InvokeAsync().ConfigureAwait(false);
