using Microsoft.OpenApi.Models;
using Microsoft.OpenApi.Readers;
using Newtonsoft.Json;
using YamlDotNet.Serialization;

namespace Pan123.Tests.Contract;

/// <summary>openapi/pan123.yaml, as copied beside the tests, parsed by Microsoft.OpenApi.</summary>
internal static class ContractDocument
{
    public static readonly string Path = System.IO.Path.Combine(AppContext.BaseDirectory, "Contract", "pan123.yaml");

    public static (OpenApiDocument Document, OpenApiDiagnostic Diagnostic) Read()
    {
        using var stream = File.OpenRead(Path);
        var document = new OpenApiStreamReader().Read(stream, out var diagnostic);
        return (document, diagnostic);
    }

    public static IEnumerable<(string Path, OperationType Method, OpenApiOperation Operation)> Operations(OpenApiDocument document) =>
        document.Paths.SelectMany(path => path.Value.Operations.Select(op => (path.Key, op.Key, op.Value)));

    public static IDictionary<string, OpenApiExample> SuccessExamples(OpenApiOperation operation) =>
        operation.Responses["200"].Content["application/json"].Examples;

    /// <summary>
    /// The JSON of a named example of an operation's 200 response, read with YamlDotNet: Microsoft.OpenApi
    /// turns date-like strings such as createAt's "2025-02-28 09:25:54" into ISO dates, which would hide
    /// exactly the format the client must cope with.
    /// </summary>
    public static string ExampleJson(string path, string method, string name)
    {
        var root = (Dictionary<object, object>)new DeserializerBuilder()
            .WithAttemptingUnquotedStringTypeDeserialization()
            .Build()
            .Deserialize<object>(File.ReadAllText(Path))!;
        var example = (Dictionary<object, object>)Walk(root, "paths", path, method, "responses", "200", "content", "application/json", "examples", name);
        if (example.TryGetValue("$ref", out var reference))
        {
            example = (Dictionary<object, object>)Walk(root, ((string)reference)["#/".Length..].Split('/'));
        }

        return JsonConvert.SerializeObject(example["value"]);
    }

    private static object Walk(Dictionary<object, object> node, params string[] keys) =>
        keys.Aggregate((object)node, (current, key) => ((Dictionary<object, object>)current)[key]);
}
