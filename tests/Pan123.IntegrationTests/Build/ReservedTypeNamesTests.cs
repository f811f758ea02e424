using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Pan123.IntegrationTests.Support;

namespace Pan123.IntegrationTests.Build;

/// <summary>
/// A schema's C# type lives in namespace Pan123, where it hides a .NET type of the same name from every
/// unqualified use in the hand-written code (the library, the Redis package and the tool). The generator
/// refuses such a schema by name (templates/Pan123.ReservedTypeNames.liquid) instead of letting the
/// compiler fail somewhere else; this test keeps that list complete: every type the compiled code
/// refers to outside Pan123 is on it, except the ones the hand-written code always writes in full.
/// </summary>
public sealed class ReservedTypeNamesTests
{
    // Written in full everywhere (System.IO.File, ...): ContractGenerationTests builds with schemas of these names.
    private static readonly string[] Qualified = ["File", "FileInfo", "Directory", "DirectoryInfo", "Path"];

    private static readonly string Template = System.IO.Path.Combine(Repository.Root, "templates", "Pan123.ReservedTypeNames.liquid");

    // The names between the quotes of the template's `reservedTypeNames`, in the order written.
    private static string[] Reserved()
    {
        var text = File.ReadAllText(Template);
        var list = text[(text.IndexOf("\"|", StringComparison.Ordinal) + 2)..];
        return list[..list.IndexOf("|\"", StringComparison.Ordinal)].Split('|');
    }

    [Fact]
    public void Every_type_the_hand_written_code_refers_to_outside_Pan123_is_reserved()
    {
        var assemblies = new[]
        {
            typeof(Pan123ClientOptions).Assembly.Location,
            typeof(Pan123.Redis.Pan123RedisOptions).Assembly.Location,
            CliProcess.CliDll,
        };
        var needed = assemblies.SelectMany(ExternalTypeNames).Except(Qualified).ToHashSet(StringComparer.Ordinal);

        var missing = needed.Except(Reserved()).Order(StringComparer.Ordinal).ToList();

        Assert.True(missing.Count == 0, $"add to {Template}: {string.Join('|', missing)}");
    }

    [Fact]
    public void The_list_is_sorted_without_duplicates_so_a_review_sees_what_changed()
    {
        var names = Reserved();

        Assert.Equal(names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal), names);
        Assert.DoesNotContain(Qualified, names.Contains);
    }

    // The simple names (arity and Attribute suffix dropped too, as C# lets an attribute be named) of the
    // top-level types an assembly refers to in other namespaces, and the first part of those namespaces.
    private static IEnumerable<string> ExternalTypeNames(string assembly)
    {
        using var stream = File.OpenRead(assembly);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        foreach (var handle in reader.TypeReferences)
        {
            var type = reader.GetTypeReference(handle);
            var ns = reader.GetString(type.Namespace);
            if (type.ResolutionScope.Kind == HandleKind.TypeReference || ns.Length == 0 || ns == "Pan123" || ns.StartsWith("Pan123.", StringComparison.Ordinal))
            {
                continue;
            }

            var name = reader.GetString(type.Name);
            name = name.Contains('`', StringComparison.Ordinal) ? name[..name.IndexOf('`', StringComparison.Ordinal)] : name;
            yield return name;
            if (name.EndsWith("Attribute", StringComparison.Ordinal) && name.Length > "Attribute".Length)
            {
                yield return name[..^"Attribute".Length];
            }

            yield return ns.Split('.')[0];
        }
    }
}
