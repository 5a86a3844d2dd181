using System.CommandLine;
using System.Text.RegularExpressions;

namespace GloVeV.Cli;

/// <summary>Command-line parse errors in plain words (which argument, what value, what was expected), exit 2, without
/// .NET type names or the whole help text.</summary>
static partial class ParseErrors
{
    [GeneratedRegex(@"Cannot parse argument '(?<value>.*)' for option '(?<option>[^']*)' as expected type '(?<type>[^']*)'")]
    private static partial Regex CannotParse();

    public static int Report(ParseResult parsed)
    {
        foreach (var e in parsed.Errors)
            Console.Error.WriteLine($"glovev: error: {Plain(e.Message)}");
        var cmd = parsed.CommandResult.Command;
        var path = cmd is RootCommand ? "glovev" : $"glovev {cmd.Name}";
        Console.Error.WriteLine($"see '{path} --help'");
        return 2;
    }

    public static string Plain(string message)
    {
        var m = CannotParse().Match(message);
        if (!m.Success) return message;
        string value = m.Groups["value"].Value, option = m.Groups["option"].Value;
        string expected = m.Groups["type"].Value switch
        {
            "System.Int32" => $"a whole number from {int.MinValue} to {int.MaxValue}",
            "System.Int64" => $"a whole number from {long.MinValue} to {long.MaxValue}",
            "System.UInt64" => $"a whole number from 0 to {ulong.MaxValue}",
            "System.UInt32" => $"a whole number from 0 to {uint.MaxValue}",
            "System.Double" or "System.Single" => "a number (like 0.05 or 1e-3)",
            "System.Boolean" => "true or false",
            _ => "a value of another form",
        };
        // A seed is a whole number >= 1 everywhere (0 is the C ABI's "default"): say so rather than the type's range.
        if (option == "--seed" && m.Groups["type"].Value == "System.UInt64") expected = $"a whole number from 1 to {ulong.MaxValue}";
        return $"{option}: '{value}' is not {expected}";
    }
}
