using Pan123.Sandbox;

// Prints where the sandbox listens and its demo credentials, one KEY=value line each, then serves
// until standard input closes (the parent pan123 ends) or Ctrl+C / SIGTERM.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

await using var sandbox = await SandboxPlatform.StartAsync(cancellationToken: stop.Token);
Console.WriteLine($"PAN123_BASE_URL={sandbox.ApiBaseAddress}");
Console.WriteLine($"PAN123_ACCESS_TOKEN={SandboxPlatform.DemoAccessToken}");
Console.WriteLine($"PAN123_CLIENT_ID={SandboxPlatform.DemoClientId}");
Console.WriteLine($"PAN123_CLIENT_SECRET={SandboxPlatform.DemoClientSecret}");
Console.WriteLine($"# demo file: {SandboxPlatform.DemoFileId}; serving until Ctrl+C or end of input");
await Console.Out.FlushAsync();

try
{
    await Console.In.ReadToEndAsync(stop.Token);
}
catch (OperationCanceledException)
{
}

return 0;
