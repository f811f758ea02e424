using Pan123.Sample.Worker;

var builder = Host.CreateApplicationBuilder(args);

// Settings: appsettings.json, then user secrets (Development), the environment (Pan123__ClientSecret)
// and the command line, each over the one before. Validated at start-up: a bad value stops the host.
builder.Services.AddPan123Client(builder.Configuration.GetSection("Pan123"));

// Several workers for one account: share its tokens, rate limits and 429 pauses through Redis
// (package Pan123.Generated.Redis; README "Running many workers").
//   builder.Services.AddPan123Client(builder.Configuration.GetSection("Pan123"))
//       .AddPan123Redis(builder.Configuration.GetConnectionString("Redis")!);

// Traces and metrics: the library's ActivitySource and Meter are both named "Pan123"
// (packages OpenTelemetry.Extensions.Hosting and an exporter; README "Traces and metrics").
//   builder.Services.AddOpenTelemetry()
//       .WithTracing(tracing => tracing.AddSource("Pan123").AddOtlpExporter())
//       .WithMetrics(metrics => metrics.AddMeter("Pan123").AddOtlpExporter());

builder.Services.AddOptions<MirrorOptions>()
    .Bind(builder.Configuration.GetSection("Mirror"))
    .Validate(mirror => mirror.RemoteFolder.StartsWith('/'), "Mirror:RemoteFolder must be a path from the root, like /docs.")
    .Validate(mirror => mirror.Interval >= TimeSpan.FromMinutes(1), "Mirror:Interval must be at least a minute.")
    .ValidateOnStart();
builder.Services.AddHostedService<FolderMirrorWorker>();

await builder.Build().RunAsync();
