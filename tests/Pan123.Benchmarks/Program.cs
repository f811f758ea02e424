using BenchmarkDotNet.Running;
using Pan123.Benchmarks;

// `sandbox`, `concurrency`, `mirror`, `idlist` and `fleet` are the non-BenchmarkDotNet measurements (see docs/benchmarks.md);
// anything else goes to BenchmarkDotNet's switcher (e.g. --filter '*' --job short).
return args.FirstOrDefault() switch
{
    "sandbox" => await SandboxHost.RunAsync(args[1..]),
    "concurrency" => await ConcurrencyCheck.RunAsync(args[1..]),
    "mirror" => await MirrorCheck.RunAsync(args[1..], byIds: false),
    "idlist" => await MirrorCheck.RunAsync(args[1..], byIds: true),
    "fleet" => await FleetCheck.RunAsync(args[1..]),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(CallOverheadBenchmarks).Assembly).Run(args);
    return 0;
}
