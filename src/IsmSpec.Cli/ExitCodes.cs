namespace IsmSpec.Cli;

public static class ExitCodes
{
    public const int Ok = 0;
    public const int Findings = 1;
    public const int UsageError = 2;
}

/// <summary>A usage or input error: printed as one line, exit code 2.</summary>
public sealed class CliException(string message) : Exception(message);
