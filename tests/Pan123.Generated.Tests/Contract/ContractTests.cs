using Microsoft.OpenApi.Any;
using Microsoft.OpenApi.Models;
using Newtonsoft.Json.Linq;

namespace Pan123.Tests.Contract;

public sealed class ContractTests
{
    [Fact]
    public void The_contract_is_valid_OpenAPI_3()
    {
        var (document, diagnostic) = ContractDocument.Read();

        Assert.Empty(diagnostic.Errors);
        Assert.StartsWith("3.0", diagnostic.SpecificationVersion.ToString().Replace("OpenApi", "", StringComparison.Ordinal).Replace('_', '.'), StringComparison.Ordinal);
        Assert.Equal("https://open-api.123pan.com", Assert.Single(document.Servers).Url);
    }

    [Fact]
    public void Every_operation_has_an_operation_id_a_description_and_examples()
    {
        var (document, _) = ContractDocument.Read();
        var operations = ContractDocument.Operations(document).ToList();

        Assert.Equal(
            ["GET /api/v1/file/detail", "GET /api/v1/file/download_info", "POST /api/v1/access_token"],
            operations.Select(o => $"{o.Method.ToString().ToUpperInvariant()} {o.Path}").Order(StringComparer.Ordinal));
        foreach (var (path, _, operation) in operations)
        {
            Assert.False(string.IsNullOrWhiteSpace(operation.OperationId), path);
            Assert.False(string.IsNullOrWhiteSpace(operation.Description), path);
            Assert.False(string.IsNullOrWhiteSpace(operation.Summary), path);
            Assert.True(ContractDocument.SuccessExamples(operation).ContainsKey("ok"), $"{path} has no 'ok' example");
        }

        Assert.Equal(
            ["GetAccessToken", "GetDownloadInfo", "GetFileDetail"],
            operations.Select(o => o.Operation.OperationId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_operation_takes_the_Platform_header_and_only_the_token_request_skips_the_bearer_scheme()
    {
        var (document, _) = ContractDocument.Read();

        Assert.Equal("bearer", document.Components.SecuritySchemes["bearer"].Scheme);
        Assert.Contains(document.SecurityRequirements, r => r.Keys.Any(k => k.Reference.Id == "bearer"));
        foreach (var (path, _, operation) in ContractDocument.Operations(document))
        {
            var platform = Assert.Single(operation.Parameters, p => p.Name == "Platform");
            Assert.Equal(ParameterLocation.Header, platform.In);
            Assert.True(platform.Required, path);
            Assert.Equal("open_platform", ((OpenApiString)Assert.Single(platform.Schema.Enum)).Value);
            var sendsBearer = operation.Security.Any(r => r.Keys.Any(k => k.Reference.Id == "bearer"));
            Assert.Equal(path != "/api/v1/access_token", sendsBearer);
        }
    }

    [Fact]
    public void Every_success_response_requires_data_so_a_typed_read_never_returns_an_envelope_without_it()
    {
        var (document, _) = ContractDocument.Read();

        foreach (var (path, _, operation) in ContractDocument.Operations(document))
        {
            var schema = operation.Responses["200"].Content["application/json"].Schema;
            var parts = schema.AllOf.Count > 0 ? schema.AllOf : [schema];
            Assert.True(parts.Any(part => part.Required.Contains("data")), $"{path}: the 200 response does not require data");
        }
    }

    [Fact]
    public void The_documented_error_codes_are_listed_and_match_the_client_constants()
    {
        var (document, _) = ContractDocument.Read();

        var listed = ((OpenApiArray)document.Info.Extensions["x-error-codes"])
            .Cast<OpenApiObject>()
            .Select(entry => ((OpenApiInteger)entry["code"]).Value)
            .Order()
            .ToArray();
        var constants = typeof(Pan123ErrorCodes).GetFields()
            .Where(f => f.IsLiteral && f.Name != nameof(Pan123ErrorCodes.Ok))
            .Select(f => (int)f.GetRawConstantValue()!)
            .Order()
            .ToArray();

        Assert.Equal([1, 401, 429, 5066, 5113, 20103], listed);
        Assert.Equal(listed, constants);
    }

    [Theory]
    [InlineData("ok", 0, "ok")]
    [InlineData("quotaExceeded", 5113, "您今日自用下载流量已超出1GB上限，升级VIP会员可无限流量下载")]
    [InlineData("fileNotFound", 5066, "文件不存在，检查传入fileId是否正确")]
    public void The_seed_page_examples_are_in_the_contract(string example, int code, string message)
    {
        var json = JObject.Parse(ContractDocument.ExampleJson("/api/v1/file/download_info", "get", example));

        Assert.Equal(code, (int)json["code"]!);
        Assert.Equal(message, (string?)json["message"]);
        Assert.Equal("68a2d07c-72d3-4fc6-a0a7-965dfea99dc0_kong-db-5898fdd8c6-wnv6h", (string?)json["x-traceID"]);
    }

    [Fact]
    public void The_seed_page_fileId_is_the_parameter_example()
    {
        var (document, _) = ContractDocument.Read();
        var downloadInfo = document.Paths["/api/v1/file/download_info"].Operations[OperationType.Get];

        Assert.Equal(14749954L, ((OpenApiLong)downloadInfo.Parameters.Single(p => p.Name == "fileId").Example).Value);
    }
}
