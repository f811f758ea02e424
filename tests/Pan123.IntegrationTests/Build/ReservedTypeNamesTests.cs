using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Pan123.IntegrationTests.Support;

namespace Pan123.IntegrationTests.Build;

/// <summary>
/// The names a schema may not take (templates/Pan123.ReservedTypeNames.liquid, read by the generator and
/// the lint): exactly the public types of the namespaces every .NET project imports, which would be
/// ambiguous in consumers' code with <c>using Pan123;</c>, and the root namespaces the hand-written code
/// names. To every other name the hand-written code is immune (ContractGenerationTests builds it with them).
/// </summary>
public sealed class ReservedTypeNamesTests
{
    /// <summary>The namespaces the .NET SDK imports into every project (ImplicitUsings).</summary>
    private static readonly string[] ImportedEverywhere =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    private static readonly string Template = System.IO.Path.Combine(Repository.Root, "templates", "Pan123.ReservedTypeNames.liquid");

    /// <summary>The names between the quotes of the template's <c>reservedTypeNames</c>, in the order written.</summary>
    public static string[] Reserved()
    {
        var text = File.ReadAllText(Template);
        var list = text[(text.IndexOf("\"|", StringComparison.Ordinal) + 2)..];
        return list[..list.IndexOf("|\"", StringComparison.Ordinal)].Split('|');
    }

    /// <summary>The compiled hand-written code: the library, the Redis package and the tool.</summary>
    public static string[] HandWrittenAssemblies { get; } =
    [
        typeof(Pan123ClientOptions).Assembly.Location,
        typeof(Pan123.Redis.Pan123RedisOptions).Assembly.Location,
        CliProcess.CliDll,
    ];

    [Fact]
    public void The_reserved_names_are_the_types_every_project_imports_and_the_root_namespaces_the_code_names()
    {
        var expected = ReferencePack().Concat(Dependencies()).SelectMany(PublicTypesImportedEverywhere)
            .Concat(HandWrittenAssemblies.SelectMany(ExternalTypes).Select(t => t.Namespace.Split('.')[0]))
            .Append("Pan123")
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        var reserved = Reserved();

        Assert.True(expected.SequenceEqual(reserved), $"write in {Template}: \"|{string.Join('|', expected)}|\" (added: {string.Join(' ', expected.Except(reserved))}; gone: {string.Join(' ', reserved.Except(expected))})");
    }

    [Fact]
    public void The_list_is_sorted_without_duplicates_so_a_review_sees_what_changed()
    {
        var names = Reserved();

        Assert.Equal(names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal), names);
    }

    /// <summary>
    /// The simple names (arity dropped, and the Attribute suffix too, as C# lets an attribute be named) of
    /// the top-level types the hand-written code refers to outside Pan123, less the reserved ones.
    /// </summary>
    public static IReadOnlyList<string> OtherNamesTheCodeRefersTo()
    {
        var reserved = Reserved().ToHashSet(StringComparer.Ordinal);
        return HandWrittenAssemblies.SelectMany(ExternalTypes)
            .SelectMany(t => t.Name.EndsWith("Attribute", StringComparison.Ordinal) && t.Name.Length > "Attribute".Length ? [t.Name, t.Name[..^"Attribute".Length]] : new[] { t.Name })
            .Where(name => !reserved.Contains(name))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    // The reference assemblies of this runtime's .NET version, as consumers compile against them.
    private static IEnumerable<string> ReferencePack()
    {
        var runtime = System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory();
        var dotnet = System.IO.Path.GetFullPath(System.IO.Path.Combine(runtime, "..", "..", ".."));
        var framework = $"net{Environment.Version.Major}.{Environment.Version.Minor}";
        var pack = Directory.GetDirectories(System.IO.Path.Combine(dotnet, "packs", "Microsoft.NETCore.App.Ref"))
            .Select(d => System.IO.Path.Combine(d, "ref", framework))
            .Where(Directory.Exists)
            .OrderBy(d => Version.Parse(new DirectoryInfo(System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(d))!).Name.Split('-')[0]))
            .LastOrDefault() ?? throw new InvalidOperationException($"no Microsoft.NETCore.App.Ref for {framework} under {dotnet}");
        return Directory.GetFiles(pack, "*.dll");
    }

    // The packages the hand-written code depends on, which consumers get with it: their types in those
    // namespaces (System.Net.Http.IHttpClientFactory) are imported everywhere as well.
    private static IEnumerable<string> Dependencies()
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>(HandWrittenAssemblies);
        while (pending.TryDequeue(out var assembly))
        {
            using var stream = File.OpenRead(assembly);
            using var pe = new PEReader(stream);
            var reader = pe.GetMetadataReader();
            foreach (var reference in reader.AssemblyReferences.Select(reader.GetAssemblyReference))
            {
                var file = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(assembly)!, reader.GetString(reference.Name) + ".dll");
                if (File.Exists(file) && found.Add(file))
                {
                    pending.Enqueue(file);
                }
            }
        }

        return found;
    }

    private static IEnumerable<string> PublicTypesImportedEverywhere(string assembly)
    {
        using var stream = File.OpenRead(assembly);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
        {
            yield break;
        }

        var reader = pe.GetMetadataReader();
        foreach (var type in reader.TypeDefinitions.Select(reader.GetTypeDefinition))
        {
            if (type.GetDeclaringType().IsNil
                && (type.Attributes & TypeAttributes.VisibilityMask) == TypeAttributes.Public
                && ImportedEverywhere.Contains(reader.GetString(type.Namespace)))
            {
                yield return WithoutArity(reader.GetString(type.Name));
            }
        }
    }

    // The top-level types an assembly refers to in namespaces other than Pan123's.
    private static IEnumerable<(string Namespace, string Name)> ExternalTypes(string assembly)
    {
        using var stream = File.OpenRead(assembly);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        foreach (var type in reader.TypeReferences.Select(reader.GetTypeReference))
        {
            var ns = reader.GetString(type.Namespace);
            if (type.ResolutionScope.Kind != HandleKind.TypeReference && ns.Length > 0 && ns != "Pan123" && !ns.StartsWith("Pan123.", StringComparison.Ordinal))
            {
                yield return (ns, WithoutArity(reader.GetString(type.Name)));
            }
        }
    }

    private static string WithoutArity(string name) => name.Contains('`', StringComparison.Ordinal) ? name[..name.IndexOf('`', StringComparison.Ordinal)] : name;
}
