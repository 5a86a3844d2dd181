namespace GloVeV;

/// <summary>An error the user can act on: bad input, a missing file, an unusable setting. Messages name the culprit.</summary>
public class GloVeVException(string message, Exception? inner = null) : Exception(message, inner);
