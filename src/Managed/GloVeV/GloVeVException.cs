namespace GloVeV;

/// <summary>An error the user can act on: bad input, a missing file, an unusable setting. Messages name the culprit.</summary>
public class GloVeVException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A file or folder the user named does not exist (the C ABI reports it as an I/O error).</summary>
public sealed class MissingFileException(string message) : GloVeVException(message);

/// <summary>An argument the caller chose cannot work (e.g. a memory budget below the run's minimum), as opposed to bad input data.</summary>
public sealed class BadArgumentException(string message) : GloVeVException(message);
