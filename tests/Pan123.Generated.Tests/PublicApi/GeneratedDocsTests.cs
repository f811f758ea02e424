using System.CodeDom.Compiler;
using System.Reflection;
using System.Xml.Linq;

namespace Pan123.Tests.PublicApi;

/// <summary>
/// Every public member of the generated code says what it is for. Hand-written code is held to that by
/// the compiler (CS1591 is an error in src/); the generated file turns CS1591 off, so this test does it.
/// </summary>
public sealed class GeneratedDocsTests
{
    [Fact]
    public void Every_public_member_of_the_generated_code_has_an_xml_doc()
    {
        var assembly = typeof(Pan123ClientOptions).Assembly;
        var documented = XDocument.Load(Path.ChangeExtension(assembly.Location, ".xml"))
            .Descendants("member").Select(m => (string)m.Attribute("name")!).ToHashSet(StringComparer.Ordinal);
        bool Has(string prefix, string name) => documented.Contains(prefix + name) || documented.Any(d => d.StartsWith(prefix + name + "(", StringComparison.Ordinal));

        var generated = assembly.GetExportedTypes().Where(t => t.GetCustomAttribute<GeneratedCodeAttribute>() is not null).ToList();
        Assert.NotEmpty(generated);
        var missing = new List<string>();
        foreach (var type in generated)
        {
            var name = type.FullName!.Replace('+', '.');
            if (!documented.Contains("T:" + name))
            {
                missing.Add("T:" + name);
            }

            const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var member in type.GetMembers(Declared))
            {
                var visible = member switch
                {
                    PropertyInfo p => (p.GetMethod ?? p.SetMethod) is { } accessor && (accessor.IsPublic || accessor.IsFamily),
                    MethodBase m => (m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly) && !m.IsSpecialName,
                    FieldInfo f => f.IsPublic || f.IsFamily,
                    _ => false,
                };
                var (prefix, memberName) = member switch
                {
                    PropertyInfo => ("P:", name + "." + member.Name),
                    ConstructorInfo => ("M:", name + ".#ctor"),
                    MethodInfo => ("M:", name + "." + member.Name),
                    FieldInfo => ("F:", name + "." + member.Name),
                    _ => ("", ""),
                };
                if (visible && !(type.IsEnum && member.Name == "value__") && !Has(prefix, memberName))
                {
                    missing.Add(prefix + memberName);
                }
            }
        }

        Assert.True(missing.Count == 0, "no XML doc: " + string.Join(", ", missing));
    }
}
