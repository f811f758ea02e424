namespace Pan123.Cli.Commands;

using System.CommandLine;

/// <summary>
/// <c>pan123 sandbox</c>: runs the sandbox platform (a child process, see <see cref="SandboxProcess"/>)
/// in the foreground, so other programs (a consumer of the library, curl, a second pan123) can talk to
/// it. Prints its addresses and demo credentials, then serves until Ctrl+C or until standard input closes.
/// </summary>
internal static class SandboxCommand
{
    public static Command Create()
    {
        var command = new Command("sandbox", "Run the embedded sandbox platform on loopback until Ctrl+C or end of input; prints PAN123_BASE_URL and demo credentials.");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            SandboxProcess sandbox;
            try
            {
                sandbox = await SandboxProcess.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (UsageException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("pan123: error: " + e.Message).ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            await using var _ = sandbox.ConfigureAwait(false);
            foreach (var line in sandbox.Lines)
            {
                await output.WriteLineAsync(line).ConfigureAwait(false);
            }

            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
