namespace Pan123.Cli;

using System.CommandLine;

/// <summary>What every command does around its own work: connect, run, map failures to exit codes (the work returns its own code when it has one, as a batch does).</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(
        ParseResult parse,
        CommonOptions common,
        Action<Pan123DownloadOptions>? download,
        Func<PlatformConnection, TextWriter, TextWriter, CancellationToken, Task<int>> work,
        CancellationToken cancellationToken)
    {
        var settings = common.Read(parse);
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        try
        {
            var connection = await PlatformConnection.OpenAsync(settings, download, cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                return await work(connection, output, error, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            return FailureReport.Write(e, settings.Verbose, error, cancellationToken);
        }
    }
}
