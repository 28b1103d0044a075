using System.Text.Json;
using IsmSpec.Cli.Formatting;
using IsmSpec.SpecLanguage.Model;

namespace IsmSpec.Cli.Catalog;

/// <summary>The requirement catalog as a table or as a JSON array (null members omitted).</summary>
internal static class RequirementCatalogWriter
{
    public static IEnumerable<(SpecModel Spec, RequirementSymbol Requirement)> Entries(IEnumerable<SpecModel> specs) =>
        specs.OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Version)
             .SelectMany(s => s.Requirements.Select(r => (s, r)));

    public static void WriteTable(TextWriter output, IEnumerable<SpecModel> specs)
    {
        var table = new TextTable("ID", "SPEC", "ROLE", "LEVEL", "SECTION", "SUMMARY");
        int count = 0;
        foreach (var (spec, r) in Entries(specs))
        {
            var summary = r.Summary
                + (r.Feature != null ? $" [requires {r.Feature}]" : "")
                + (r.Untestable != null ? $" [untestable: {r.Untestable}]" : "");
            table.AddRow(r.Id, spec.Key, RequirementSymbol.RoleText(r.Role), RequirementSymbol.LevelText(r.Level), r.Section, summary);
            count++;
        }
        table.Write(output);
        output.WriteLine($"{count} requirement{(count == 1 ? "" : "s")}");
    }

    public static void WriteJson(TextWriter output, IEnumerable<SpecModel> specs)
    {
        JsonOutput.Write(output, json =>
        {
            json.WriteStartArray();
            foreach (var (spec, r) in Entries(specs)) WriteRequirement(json, spec, r);
            json.WriteEndArray();
        });
    }

    private static void WriteRequirement(Utf8JsonWriter json, SpecModel spec, RequirementSymbol r)
    {
        json.WriteStartObject();
        json.WriteString("id", r.Id);
        json.WriteString("spec", spec.Name);
        json.WriteNumber("version", spec.Version);
        json.WriteString("role", RequirementSymbol.RoleText(r.Role));
        json.WriteString("level", RequirementSymbol.LevelText(r.Level));
        json.WriteString("section", r.Section);
        json.WriteString("summary", r.Summary);
        if (r.Feature != null) json.WriteString("feature", r.Feature);
        if (r.Untestable != null) json.WriteString("untestable", r.Untestable);
        json.WriteEndObject();
    }
}
