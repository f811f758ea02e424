using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;
using NSwag;
using Pan123.Sandbox;

namespace Pan123.IntegrationTests.Support;

/// <summary>
/// Checks what the sandbox answered against openapi/pan123.yaml, so the sandbox and the contract
/// cannot drift apart: a success envelope against its operation's 200 schema, an error envelope
/// against <c>Envelope</c> with its code among the operation's <c>x-error-codes</c>.
/// </summary>
internal static class ContractConformance
{
    private static readonly Lazy<Task<OpenApiDocument>> Contract = new(() =>
        OpenApiYamlDocument.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "Contract", "pan123.yaml")));

    /// <summary>
    /// What is not checked, in one place: answers a fault switch made on purpose (HTML pages,
    /// malformed bodies), and anything that is not JSON. CDN bytes are never recorded as answers.
    /// </summary>
    public static bool IsChecked(SandboxAnswer answer) =>
        !answer.InjectedFault && answer.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true;

    public static async Task<IReadOnlyList<string>> ViolationsAsync(IEnumerable<SandboxAnswer> answers)
    {
        var contract = await Contract.Value;
        var violations = new List<string>();
        foreach (var answer in answers.Where(IsChecked))
        {
            var what = $"{answer.Method} {answer.Path}";
            if (!contract.Paths.TryGetValue(answer.Path, out var item) || !item.TryGetValue(answer.Method.ToLowerInvariant(), out var operation))
            {
                violations.Add($"{what}: no such operation in the contract");
                continue;
            }

            var json = JObject.Parse(answer.Body);
            var code = json.Value<int?>("code");
            JsonSchema schema;
            var flat = !operation.Responses["200"].Content["application/json"].Schema.ActualSchema.AllInheritedSchemas.Any(s => s == contract.Components.Schemas["Envelope"])
                && operation.Responses["200"].Content["application/json"].Schema.ActualSchema.AllOf.Count == 0;
            if (flat && code is null && json["error"] is not null)
            {
                // An OAuth-style refusal, as the flat operation's description documents: {error, error_description}.
                if (json["error"]?.Type != JTokenType.String)
                {
                    violations.Add($"{what}: an OAuth refusal without a string 'error' (answer: {Excerpt(answer.Body)})");
                }

                continue;
            }

            if (code == 0 || (flat && code is null))
            {
                schema = operation.Responses["200"].Content["application/json"].Schema.ActualSchema;
            }
            else
            {
                schema = contract.Components.Schemas["Envelope"];
                var listed = operation.ExtensionData?.TryGetValue("x-error-codes", out var codes) == true && codes is IEnumerable<object> values
                    ? values.Select(Convert.ToInt32).ToList()
                    : [];
                if (code is null || !listed.Contains(code.Value))
                {
                    violations.Add($"{what}: code {code} is not among the operation's x-error-codes [{string.Join(", ", listed)}]");
                }
            }

            foreach (var error in Leaves(schema.Validate(answer.Body, SchemaType.OpenApi3)))
            {
                violations.Add($"{what}: {error.Path}: {error.Kind} (answer: {Excerpt(answer.Body)})");
            }
        }

        return violations;
    }

    // allOf and friends report "NotAllOf" at the root; the errors that name a field are inside.
    private static IEnumerable<ValidationError> Leaves(IEnumerable<ValidationError> errors) =>
        errors.SelectMany(error => error is ChildSchemaValidationError { Errors.Count: > 0 } parent
            ? Leaves(parent.Errors.SelectMany(child => child.Value))
            : [error]);

    private static string Excerpt(string body) => body.Length <= 200 ? body : body[..200] + "...";
}
