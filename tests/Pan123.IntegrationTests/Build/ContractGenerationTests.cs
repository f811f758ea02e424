using Pan123.IntegrationTests.Support;
using System.Diagnostics;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Pan123.IntegrationTests.Build;

/// <summary>
/// The client is generated from the contract on every build that needs it: a copy of the library's
/// sources is built, the YAML edited, built again, and cleaned, as a developer would.
/// </summary>
public sealed class ContractGenerationTests : IDisposable
{
    private readonly string _copy = Directory.CreateTempSubdirectory("pan123-gen-").FullName;

    public ContractGenerationTests()
    {
        var root = Repository.Root;
        var templates = Directory.EnumerateFiles(Path.Combine(root, "templates"), "*.liquid").Select(f => Path.GetRelativePath(root, f));
        foreach (var file in new[] { "nswag.json", "global.json", "Directory.Build.props", "Directory.Packages.props", "README.md", "src/Directory.Build.props", "build/Pan123.ClientGeneration.targets", "openapi/pan123.yaml" }.Concat(templates))
        {
            var target = Path.Combine(_copy, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(root, file), target);
        }

        CopyProjects("Pan123.Generated");
    }

    // Copies src/<name> for each name, without bin and obj.
    private void CopyProjects(params string[] names)
    {
        foreach (var name in names)
        {
            var project = Path.Combine(Repository.Root, "src", name);
            foreach (var file in Directory.EnumerateFiles(project, "*", SearchOption.AllDirectories)
                         .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                  && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
            {
                var target = Path.Combine(_copy, "src", name, Path.GetRelativePath(project, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
    }

    private string Project => Path.Combine(_copy, "src", "Pan123.Generated");

    private string GeneratedFile => Path.Combine(Project, "obj", "Debug", "net10.0", "Generated", "Pan123Client.g.cs");

    private string Assembly => Path.Combine(Project, "bin", "Debug", "net10.0", "Pan123.Generated.dll");

    [Fact]
    public async Task A_clean_build_generates_the_client_an_edited_contract_changes_it_and_clean_removes_it()
    {
        Assert.False(File.Exists(GeneratedFile));

        await DotnetAsync("build");
        Assert.True(File.Exists(GeneratedFile));
        Assert.DoesNotContain("ExpiresIn", PropertiesOf("DownloadInfo"));

        var contract = Path.Combine(_copy, "openapi", "pan123.yaml");
        var yaml = await File.ReadAllTextAsync(contract);
        const string Anchor = "      required: [downloadUrl]\n      properties:\n";
        Assert.Contains(Anchor, yaml, StringComparison.Ordinal);
        await File.WriteAllTextAsync(contract, yaml.Replace(Anchor, Anchor + "        expiresIn:\n          type: integer\n          description: Seconds until the link expires.\n", StringComparison.Ordinal));

        await DotnetAsync("build");
        Assert.Contains("ExpiresIn", PropertiesOf("DownloadInfo"));
        Assert.Contains("Seconds until the link expires.", await File.ReadAllTextAsync(GeneratedFile), StringComparison.Ordinal);

        await DotnetAsync("clean");
        Assert.False(File.Exists(GeneratedFile));
    }

    [Fact]
    public async Task An_added_optional_query_parameter_needs_nothing_but_the_yaml()
    {
        await InsertDownloadInfoParameterAsync("        - name: preview\n          in: query\n          required: false\n          schema:\n            type: boolean\n");

        await DotnetAsync("build");

        var generated = await File.ReadAllTextAsync(GeneratedFile);
        Assert.Contains("GetDownloadInfoAsync(long fileId, bool? preview = null, System.Threading.CancellationToken cancellationToken = default)", generated, StringComparison.Ordinal);
        Assert.Contains("if (preview != null)", generated, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operation_the_template_does_not_cover_stops_the_build_with_a_message_naming_it()
    {
        // An object in the query (deepObject): the template would have to spread its fields, which it does not do yet.
        await InsertDownloadInfoParameterAsync("        - name: filter\n          in: query\n          required: false\n          style: deepObject\n          schema:\n            type: object\n            properties:\n              kind:\n                type: string\n");

        var (exitCode, output) = await RunDotnetAsync("build");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("templates/Client.Class.liquid supports single values and arrays of them as parameters (GetDownloadInfo.filter)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schemas_named_like_every_unreserved_type_the_hand_written_code_refers_to_break_none_of_it()
    {
        // A schema's type lives in namespace Pan123 (a schema named FileInfo once broke the build). The
        // library names such types in full; the Redis package and the tool import them inside their own
        // namespaces, where they are found first. All three are built here beside one schema per name.
        var names = ReservedTypeNamesTests.OtherNamesTheCodeRefersTo();
        Assert.Contains("ILogger", names);
        Assert.Contains("Option", names);
        Assert.Contains("IDatabase", names);
        CopyProjects("Pan123.Generated.Redis", "Pan123.Cli", "Pan123.Sandbox", "Pan123.Sandbox.Host");
        await AddSchemasAsync(names);

        await DotnetAsync("build", Path.Combine(_copy, "src", "Pan123.Cli"));

        Assert.All(names, name => Assert.Equal(["Id", "AdditionalProperties"], PropertiesOf(name).Order(StringComparer.Ordinal).Reverse()));
    }

    [Fact]
    public async Task A_schema_named_like_a_type_every_project_imports_stops_the_build_naming_it()
    {
        // A Pan123.CancellationToken would be ambiguous in every file with `using Pan123;` and .NET's
        // implicit usings. The generator says so by name rather than let a hundred compiler errors say it.
        await AddSchemasAsync(["CancellationToken"]);

        var (exitCode, output) = await RunDotnetAsync("build");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Schema 'CancellationToken' is named like a type every .NET project imports", output, StringComparison.Ordinal);
        Assert.Contains("rename the schema in openapi/pan123.yaml", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_tag_gets_a_documented_client_that_AddPan123Client_registers_with_no_csharp()
    {
        var contract = Path.Combine(_copy, "openapi", "pan123.yaml");
        var yaml = await File.ReadAllTextAsync(contract);
        const string Operation = """
              /api/v1/user/info:
                get:
                  tags: [User]
                  operationId: GetUserInfo
                  x-error-codes: [1, 401]
                  x-rate-limit: {per: second, free: 10}
                  summary: The account's details.
                  description: The account's uid, VIP level and space.
                  parameters:
                    - $ref: "#/components/parameters/Platform"
                  responses:
                    "200":
                      description: The envelope.
                      content:
                        application/json:
                          schema:
                            $ref: "#/components/schemas/DownloadInfoResponse"

            """;
        await File.WriteAllTextAsync(contract, yaml.Replace("paths:\n", "paths:\n" + Operation, StringComparison.Ordinal));

        await DotnetAsync("build");

        var generated = await File.ReadAllTextAsync(GeneratedFile);
        Assert.Contains("new(\"User\", typeof(IPan123UserClient), true, Pan123UserClient.ContractRateLimits,", generated, StringComparison.Ordinal);
        Assert.Contains("/// The platform's User calls (operations tagged <c>User</c> in the contract).", generated, StringComparison.Ordinal);
        Assert.Contains("new(\"GetUserInfo\", 10)", generated, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operation_without_its_rate_limit_stops_the_build_naming_it()
    {
        var contract = Path.Combine(_copy, "openapi", "pan123.yaml");
        var yaml = await File.ReadAllTextAsync(contract);
        Assert.Contains("      x-rate-limit: none\n", yaml, StringComparison.Ordinal);
        await File.WriteAllTextAsync(contract, yaml.Replace("      x-rate-limit: none\n", string.Empty, StringComparison.Ordinal));

        var (exitCode, output) = await RunDotnetAsync("build");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("GetFileDetail has no x-rate-limit", output, StringComparison.Ordinal);
    }

    private async Task InsertDownloadInfoParameterAsync(string parameter)
    {
        var contract = Path.Combine(_copy, "openapi", "pan123.yaml");
        var yaml = await File.ReadAllTextAsync(contract);
        const string Anchor = "          example: 14749954\n      responses:\n";
        Assert.Contains(Anchor, yaml, StringComparison.Ordinal);
        var index = yaml.IndexOf(Anchor, StringComparison.Ordinal) + Anchor.Length - "      responses:\n".Length;
        await File.WriteAllTextAsync(contract, yaml.Insert(index, parameter));
    }

    // One schema per name (an object with an id), each used by a property of DownloadInfo so it is generated.
    private async Task AddSchemasAsync(IEnumerable<string> names)
    {
        var contract = Path.Combine(_copy, "openapi", "pan123.yaml");
        var yaml = await File.ReadAllTextAsync(contract);
        const string Anchor = "      required: [downloadUrl]\n      properties:\n";
        Assert.Contains(Anchor, yaml, StringComparison.Ordinal);
        var properties = string.Concat(names.Select(name => $"        with{name}:\n          description: A test property.\n          allOf:\n            - $ref: \"#/components/schemas/{name}\"\n"));
        var schemas = string.Concat(names.Select(name => $"    {name}:\n      type: object\n      description: A test schema.\n      properties:\n        id:\n          type: integer\n          format: int64\n          description: An id.\n"));
        await File.WriteAllTextAsync(contract, yaml.Replace(Anchor, Anchor + properties, StringComparison.Ordinal).Replace("  schemas:\n", "  schemas:\n" + schemas, StringComparison.Ordinal));
    }

    private IReadOnlyList<string> PropertiesOf(string typeName)
    {
        using var stream = File.OpenRead(Assembly);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var type = metadata.TypeDefinitions.Select(metadata.GetTypeDefinition)
            .Single(t => metadata.GetString(t.Name) == typeName && metadata.GetString(t.Namespace) == "Pan123");
        return type.GetProperties().Select(p => metadata.GetString(metadata.GetPropertyDefinition(p).Name)).ToList();
    }

    private async Task DotnetAsync(string verb, string? project = null)
    {
        var (exitCode, output) = await RunDotnetAsync(verb, project);
        Assert.True(exitCode == 0, $"dotnet {verb} exited {exitCode}:\n{output}");
    }

    private async Task<(int ExitCode, string Output)> RunDotnetAsync(string verb, string? project = null)
    {
        var start = new ProcessStartInfo("dotnet", [verb, project ?? Project, "-c", "Debug", "-nologo", "-v:q"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _copy,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + "\n" + await error);
    }

    public void Dispose() => Directory.Delete(_copy, recursive: true);
}
