using System.CodeDom.Compiler;
using System.Reflection;
using System.Xml.Linq;
using YamlDotNet.Serialization;

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

    [Fact]
    public void Every_x_unverified_mark_of_the_contract_is_quoted_in_the_generated_docs()
    {
        var marks = new List<string>();
        void Collect(object? node)
        {
            switch (node)
            {
                case Dictionary<object, object> map:
                    foreach (var (key, value) in map)
                    {
                        if (key is "x-unverified")
                        {
                            marks.Add((string)value);
                        }

                        Collect(value);
                    }

                    break;
                case List<object> list:
                    list.ForEach(Collect);
                    break;
            }
        }

        Collect(new DeserializerBuilder().Build().Deserialize<object>(File.ReadAllText(Contract.ContractDocument.Path)));
        var docs = string.Join("\n", XDocument.Load(Path.ChangeExtension(typeof(Pan123ClientOptions).Assembly.Location, ".xml"))
            .Descendants("member").Select(m => System.Text.RegularExpressions.Regex.Replace(m.Value, @"\s+", " ")));

        Assert.True(marks.Count >= 5, $"the contract has {marks.Count} x-unverified marks");
        // Each on an operation (interface and class) or a property, after the words that flag it.
        Assert.All(marks, mark => Assert.Contains("Not checked against a live answer (x-unverified): " + mark, docs, StringComparison.Ordinal));
    }
}
