using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace GloVeV.Cli;

/// <summary>How the CLI talks: JSON on stdout with --json, aligned tables otherwise, progress and errors on stderr.</summary>
static class Output
{
    static readonly IAnsiConsole Err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public static int Fail(string message)
    {
        Console.Error.WriteLine($"glovev: error: {message}");
        return 2;
    }

    public static void Info(string message, bool json)
    {
        if (!json) Console.Error.WriteLine(message);
    }

    public static void WriteJson(Action<Utf8JsonWriter> body)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        Console.Out.WriteLine(Encoding.UTF8.GetString(ms.ToArray()));
    }

    public static void Number(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v)) w.WriteNumber(name, v); else w.WriteNull(name);
    }

    public static void Table(string[] headers, IEnumerable<string[]> rows, string? title = null)
    {
        // Piped or redirected output has no terminal width: Spectre assumes 80 columns and would wrap words and
        // intervals across lines, which breaks grep and cut. A table then takes the width its cells need.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 1000);
        var t = new Table().Border(TableBorder.Simple);
        if (title != null) t.Title(title);
        for (int i = 0; i < headers.Length; i++)
        {
            var c = new TableColumn(Markup.Escape(headers[i]));
            if (i > 0) c.RightAligned();
            t.AddColumn(c);
        }
        foreach (var r in rows) t.AddRow(r.Select(x => new Spectre.Console.Text(x)).ToArray<Spectre.Console.Rendering.IRenderable>());
        AnsiConsole.Write(t);
    }

    public static string F(double v, int digits = 4) => double.IsFinite(v) ? v.ToString("F" + digits, System.Globalization.CultureInfo.InvariantCulture) : "NA";

    /// <summary>Runs a long stage with a progress bar on stderr (plain lines every few seconds when stderr is not a terminal).</summary>
    public static T Stage<T>(string title, bool quiet, Func<Action<double, string>, T> work)
    {
        if (quiet) return work((_, _) => { });
        if (Console.IsErrorRedirected)
        {
            var last = DateTime.MinValue;
            Console.Error.WriteLine($"{title} ...");
            var r = work((frac, note) =>
            {
                if ((DateTime.UtcNow - last).TotalSeconds < 5) return;
                last = DateTime.UtcNow;
                Console.Error.WriteLine($"  {title}: {frac * 100:F0}% {note}");
            });
            return r;
        }
        T result = default!;
        Err.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), maxValue: 1.0);
                result = work((frac, note) =>
                {
                    task.Value = Math.Clamp(frac, 0, 1);
                    if (note.Length > 0) task.Description = Markup.Escape($"{title} {note}");
                });
                task.Value = 1.0;
            });
        return result;
    }
}
