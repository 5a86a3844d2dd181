using System.CommandLine;

namespace GloVeV.Cli;

/// <summary>Options shared by several commands.</summary>
static class CliOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print a JSON summary on stdout" };
    public static Option<int> Threads() => new("--threads") { Description = "Worker threads", DefaultValueFactory = _ => Environment.ProcessorCount };
    public static Option<string> Required(string name, string description) => NotEmpty(new Option<string>(name) { Description = description, Required = true });
    public static Option<string?> Optional(string name, string description) => NotEmpty(new Option<string?>(name) { Description = description });

    /// <summary>An empty path or word ("--out ''") is a parse error naming the option, not a .NET message about 'path'.</summary>
    static Option<T> NotEmpty<T>(Option<T> o)
    {
        o.Validators.Add(r =>
        {
            foreach (var t in r.Tokens)
                if (string.IsNullOrWhiteSpace(t.Value)) r.AddError($"{o.Name}: an empty value; give a file, folder or word");
        });
        return o;
    }
    public static Option<int> Int(string name, string description, int dflt) => new(name) { Description = description, DefaultValueFactory = _ => dflt };
    public static Option<double> Double(string name, string description, double dflt) => new(name) { Description = description, DefaultValueFactory = _ => dflt };
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    public static Option<string?> Shard(string? description = null) => new("--shard") { Description = description ?? "Do shard k of N (k/N, 1-based) into --out; join the shards with the merge command" };

    /// <summary>Parses "k/N".</summary>
    public static (int K, int N) ParseShard(string s)
    {
        var f = s.Split('/');
        if (f.Length != 2 || !int.TryParse(f[0], out int k) || !int.TryParse(f[1], out int n) || n < 1 || k < 1 || k > n)
            throw new GloVeVException($"--shard must be k/N with 1 <= k <= N, got '{s}'");
        return (k, n);
    }

    static readonly HashSet<string> Flags = new(StringComparer.Ordinal);

    // The core names settings as the C fields and the Python/R arguments do; where the CLI's flag differs from the
    // dashed form of that name, this says which flag it is.
    static readonly Dictionary<string, string> FlagOfSetting = new(StringComparer.Ordinal)
    {
        ["als_tol"] = "--tol", ["init_from"] = "--init", ["memory_bytes"] = "--memory",
    };

    /// <summary>Records every flag of the command tree, so engine messages can be shown with the CLI's names.</summary>
    public static void RegisterFlags(Command root)
    {
        foreach (var o in root.Options) Flags.Add(o.Name);
        foreach (var c in root.Subcommands) RegisterFlags(c);
    }

    /// <summary>An engine message with the CLI's flags: the settings it marks (<see cref="GloVeVException.Setting"/>) and
    /// a setting's name at its start become the flags.</summary>
    public static string WithFlags(GloVeVException e) =>
        WithFlags(e.MarkedMessage is { } marked ? GloVeVException.Rename(marked, FlagOf) : e.Message);

    /// <summary>The CLI's flag for a setting's neutral name, or the name itself when no command has such a flag.</summary>
    static string FlagOf(string setting)
    {
        var flag = FlagOfSetting.TryGetValue(setting, out var f) ? f : "--" + setting.Replace('_', '-');
        return Flags.Contains(flag) ? flag : setting;
    }

    /// <summary>An engine message that starts with a setting's neutral name ("dim must be ...") starts with the CLI's
    /// flag instead ("--dim must be ..."), so a command-line user reads the option they typed.</summary>
    public static string WithFlags(string message)
    {
        int end = 0;
        while (end < message.Length && (char.IsAsciiLetterLower(message[end]) || char.IsAsciiDigit(message[end]) || message[end] == '_')) end++;
        if (end == 0 || (end < message.Length && message[end] != ' ' && message[end] != ':')) return message;
        // Only where the message is about that setting ("dim must be", "eta = 1e39 is", "ridge applies", "memory 2M is"): "word list B
        // has ..." or "word 'war' appears ..." name no option, though --word is one.
        var rest = message[end..];
        bool value = rest.Length > 1 && rest[0] == ' ' && (char.IsAsciiDigit(rest[1]) || (rest[1] == '-' && rest.Length > 2 && char.IsAsciiDigit(rest[2])));
        if (rest.Length > 0 && !value && !AboutSetting.Any(a => rest.StartsWith(a, StringComparison.Ordinal))) return message;
        return FlagOf(message[..end]) + rest;
    }

    static readonly string[] AboutSetting = [":", " must ", " = ", " applies ", " needs ", " is ", " of ", " and ", " auto "];

    /// <summary>Runs a command body, turning engine errors into "glovev: error: ..." and exit code 2.</summary>
    public static int Guard(Func<int> body)
    {
        try { return body(); }
        catch (GloVeVException e) { return Output.Fail(WithFlags(e)); }
        catch (IOException e) { return Output.Fail(e.Message); }
        catch (UnauthorizedAccessException e) { return Output.Fail(e.Message); }
        catch (OutOfMemoryException) { return Output.Fail("out of memory; lower --threads, or --memory / --chunk-words where the command has them"); }
        catch (ArgumentException e) { return Output.Fail(e.Message); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Never a stack trace at the user: say what happened and that it is ours to fix.
            Console.Error.WriteLine($"glovev: internal error: {e.GetType().Name}: {e.Message} (this is a bug; please report it)");
            return 1;
        }
    }

    /// <summary>Adds a check that the option's value is at least <paramref name="min"/>.</summary>
    public static Option<int> AtLeast(this Option<int> o, int min)
    {
        o.Validators.Add(r =>
        {
            try
            {
                int v = r.GetValueOrDefault<int>();
                if (v < min) r.AddError($"{o.Name} must be at least {min}, got {v}");
            }
            catch (InvalidOperationException) { }
        });
        return o;
    }
}
