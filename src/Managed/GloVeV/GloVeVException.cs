namespace GloVeV;

/// <summary>An error the user can act on: bad input, a missing file, an unusable setting. Messages name the culprit.</summary>
/// <remarks>Settings are named in neutral words (<c>als_sweeps</c>, as the C fields and the Python and R arguments
/// are). A message that names a setting anywhere but at its start marks it with <see cref="Setting"/>: the marks are
/// removed from <see cref="Exception.Message"/> and kept in <see cref="MarkedMessage"/>, so a front door with other
/// names for its settings (the CLI's flags) can show its own.</remarks>
public class GloVeVException : Exception
{
    public GloVeVException(string message, Exception? inner = null) : base(Unmark(message), inner)
    {
        if (message.Contains(Open)) MarkedMessage = message;
    }

    const char Open = '\u0001', Close = '\u0002';

    /// <summary>A setting's neutral name, marked so that a front door can replace it with its own name for it.</summary>
    public static string Setting(string name) => Open + name + Close;

    /// <summary>The message with its settings marked (see <see cref="Setting"/>); null when it marks none.</summary>
    public string? MarkedMessage { get; }

    /// <summary>Replaces every marked setting of <paramref name="marked"/> by <paramref name="rename"/>(name).</summary>
    public static string Rename(string marked, Func<string, string> rename)
    {
        var sb = new System.Text.StringBuilder(marked.Length);
        int at = 0;
        while (true)
        {
            int o = marked.IndexOf(Open, at);
            int c = o < 0 ? -1 : marked.IndexOf(Close, o + 1);
            if (c < 0) { sb.Append(marked, at, marked.Length - at); break; }
            sb.Append(marked, at, o - at).Append(rename(marked[(o + 1)..c]));
            at = c + 1;
        }
        return sb.Replace(Open.ToString(), "").Replace(Close.ToString(), "").ToString();
    }

    static string Unmark(string message) => message.Contains(Open) ? Rename(message, n => n) : message;
}

/// <summary>A file or folder the user named does not exist (the C ABI reports it as an I/O error).</summary>
public sealed class MissingFileException(string message) : GloVeVException(message);

/// <summary>An argument the caller chose cannot work (e.g. a memory budget below the run's minimum), as opposed to bad input data.</summary>
public sealed class BadArgumentException(string message) : GloVeVException(message);
