namespace IsmSpec.Cli.Tests;

public sealed class UsageErrorTests
{
    [Fact]
    public void Help_exits_0_and_lists_the_commands()
    {
        var r = CliResult.Run("--help");
        r.AssertOk();
        foreach (var verb in new[] { "check", "specs", "layout", "decode", "requirements", "--specs" })
            Assert.Contains(verb, r.Out);
    }

    [Fact]
    public void Command_help_exits_0()
    {
        var r = CliResult.Run("decode", "--help");
        r.AssertOk();
        Assert.Contains("--json", r.Out);
        Assert.Contains("<HEX>", r.Out);
    }

    [Fact]
    public void Unknown_command_is_one_line_and_exit_2()
    {
        Assert.StartsWith("ismspec: Unrecognized command or argument 'bogus'", CliResult.Run("bogus").AssertUsageError());
    }

    [Theory]
    [InlineData("layout", "packet", "--bad")]
    [InlineData("requirements", "--nope")]
    [InlineData("specs", "--json")]
    public void Unknown_option_is_one_line_and_exit_2(params string[] args)
    {
        Assert.Contains($"Unrecognized command or argument '{args[^1]}'", CliResult.Run(args).AssertUsageError());
    }

    [Theory]
    [InlineData("layout")]
    [InlineData("decode")]
    [InlineData("decode", "packet")]
    public void Missing_argument_is_one_line_and_exit_2(params string[] args)
    {
        Assert.Contains("Required argument missing", CliResult.Run(args).AssertUsageError());
    }

    [Fact]
    public void Missing_option_value_is_one_line_and_exit_2()
    {
        Assert.Contains("--spec", CliResult.Run("requirements", "--spec").AssertUsageError());
    }

    [Fact]
    public void No_command_is_one_line_and_exit_2()
    {
        CliResult.Run().AssertUsageError();
    }
}
