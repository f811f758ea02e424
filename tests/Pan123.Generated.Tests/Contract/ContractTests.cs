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
    public void The_default_rate_limits_are_the_contracts_x_rate_limit_for_a_free_account()
    {
        var (document, _) = ContractDocument.Read();
        var expected = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (_, _, operation) in ContractDocument.Operations(document))
        {
            switch (operation.Extensions["x-rate-limit"])
            {
                case OpenApiString { Value: "none" }:
                    break;
                case OpenApiObject limit:
                    var free = ((OpenApiInteger)limit["free"]).Value;
                    expected[operation.OperationId] = ((OpenApiString)limit["per"]).Value == "minute" ? Math.Max(1, free / 60) : free;
                    break;
                default:
                    Assert.Fail($"{operation.OperationId}: x-rate-limit is neither none nor an object");
                    break;
            }
        }

        Assert.Equal(expected.OrderBy(e => e.Key), new Pan123ClientOptions().RequestsPerSecond.OrderBy(e => e.Key));
        Assert.Equal(5, expected["GetDownloadInfo"]);
    }

    [Fact]
    public void Every_operation_has_an_operation_id_a_description_and_examples()
    {
        var (document, _) = ContractDocument.Read();
        var operations = ContractDocument.Operations(document).ToList();

        Assert.Equal(
            ["GET /api/v1/direct-link/url", "GET /api/v1/file/detail", "GET /api/v1/file/download_info", "GET /api/v1/user/info", "GET /api/v2/file/list", "POST /api/v1/access_token", "POST /api/v1/file/infos", "POST /api/v1/oauth2/access_token"],
            operations.Select(o => $"{o.Method.ToString().ToUpperInvariant()} {o.Path}").Order(StringComparer.Ordinal));
        foreach (var (path, _, operation) in operations)
        {
            Assert.False(string.IsNullOrWhiteSpace(operation.OperationId), path);
            Assert.False(string.IsNullOrWhiteSpace(operation.Description), path);
            Assert.False(string.IsNullOrWhiteSpace(operation.Summary), path);
            Assert.True(ContractDocument.SuccessExamples(operation).ContainsKey("ok"), $"{path} has no 'ok' example");
        }

        Assert.Equal(
            ["GetAccessToken", "GetDirectLinkUrl", "GetDownloadInfo", "GetFileDetail", "GetFileInfos", "GetFileList", "GetOAuthToken", "GetUserInfo"],
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
            Assert.Equal(!path.EndsWith("/access_token", StringComparison.Ordinal), sendsBearer);
        }
    }

    [Fact]
    public void Every_success_response_requires_data_so_a_typed_read_never_returns_an_envelope_without_it()
    {
        var (document, _) = ContractDocument.Read();

        var enveloped = 0;
        foreach (var (path, _, operation) in ContractDocument.Operations(document))
        {
            var schema = operation.Responses["200"].Content["application/json"].Schema;
            if (!schema.AllOf.Any(part => part.Reference?.Id == "Envelope"))
            {
                // A flat answer (the OAuth token endpoint): no envelope, so no data to require.
                Assert.Empty(schema.Properties.Keys.Intersect(["code", "data"]));
                continue;
            }

            enveloped++;
            Assert.True(schema.AllOf.Any(part => part.Required.Contains("data")), $"{path}: the 200 response does not require data");
        }

        Assert.True(enveloped >= 4);
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
        foreach (var (path, _, operation) in ContractDocument.Operations(document))
        {
            var codes = ((OpenApiArray)operation.Extensions["x-error-codes"]).Cast<OpenApiInteger>().Select(c => c.Value).ToList();
            Assert.True(codes.Count > 0 && codes.All(listed.Contains), $"{path}: x-error-codes [{string.Join(", ", codes)}] must be among the documented codes");
        }
    }

    // Behaviour, not strings: every example the contract documents, including ones added later, goes
    // through the generated client and comes out as its code says (a result, or Pan123ApiException),
    // called with the operation's own parameter examples.
    [Fact]
    public async Task Every_documented_example_goes_through_the_client_as_its_code_says()
    {
        var (document, _) = ContractDocument.Read();
        var checkedExamples = 0;
        foreach (var (path, method, operation) in ContractDocument.Operations(document))
        {
            foreach (var name in ContractDocument.SuccessExamples(operation).Keys)
            {
                var json = ContractDocument.ExampleJson(path, method.ToString().ToLowerInvariant(), name);
                var code = (int?)JObject.Parse(json)["code"] ?? Pan123ErrorCodes.Ok; // a flat answer has no code
                using var platform = new Support.MockPlatform();
                platform.RespondWith(json);

                var error = await Record.ExceptionAsync(() => Call(platform, operation));

                if (code == Pan123ErrorCodes.Ok)
                {
                    Assert.True(error is null, $"{path} example '{name}': {error}");
                }
                else
                {
                    Assert.Equal(code, Assert.IsType<Pan123ApiException>(error).ErrorCode);
                }

                var sent = Assert.Single(platform.Requests);
                Assert.Equal(path, sent.RequestUri!.AbsolutePath);
                foreach (var parameter in operation.Parameters.Where(p => p.In == ParameterLocation.Query))
                {
                    Assert.Contains($"{parameter.Name}={Uri.EscapeDataString(ExampleText(parameter))}", sent.RequestUri.Query, StringComparison.Ordinal);
                }

                checkedExamples++;
            }
        }

        Assert.True(checkedExamples >= 8, $"only {checkedExamples} examples were found");
    }

    private static string ExampleText(OpenApiParameter parameter) => parameter.Example switch
    {
        OpenApiLong value => value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        OpenApiInteger value => value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        OpenApiString value => value.Value,
        var other => throw new InvalidOperationException($"{parameter.Name}: example of type {other?.GetType().Name}"),
    };

    // The operation called with its parameters' documented examples, optional ones included.
    private static Task Call(Support.MockPlatform platform, OpenApiOperation operation)
    {
        string Text(string name) => ExampleText(operation.Parameters.Single(p => p.Name == name));
        long Example(string name) => long.Parse(Text(name), System.Globalization.CultureInfo.InvariantCulture);
        return operation.OperationId switch
        {
            "GetDownloadInfo" => platform.Files.GetDownloadInfoAsync(Example("fileId")),
            "GetFileDetail" => platform.Files.GetFileDetailAsync(Example("fileID")),
            "GetFileList" => platform.Files.GetFileListAsync(Example("parentFileId"), (int)Example("limit"), Example("lastFileId"), Text("searchData"), (int)Example("searchMode")),
            "GetFileInfos" => platform.Files.GetFileInfosAsync(new FileInfosRequest { FileIds = [14749954, 14749955] }),
            "GetDirectLinkUrl" => new Pan123DirectLinkClient(new Pan123ClientConfiguration(new StaticTokenProvider(Support.MockPlatform.Token)), platform.Http).GetDirectLinkUrlAsync(Example("fileID")),
            "GetUserInfo" => new Pan123UserClient(new Pan123ClientConfiguration(new StaticTokenProvider(Support.MockPlatform.Token)), platform.Http).GetUserInfoAsync(),
            "GetAccessToken" => platform.Auth.GetAccessTokenAsync(new AccessTokenRequest { ClientId = "id", ClientSecret = "secret" }),
            "GetOAuthToken" => platform.Auth.GetOAuthTokenAsync(Text("client_id"), Text("client_secret"), Text("grant_type"), Text("code"), Text("refresh_token"), Text("redirect_uri")),
            var other => throw new InvalidOperationException($"Add {other} here: the test calls each operation of the contract."),
        };
    }
}
