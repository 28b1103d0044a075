namespace IsmSpec.Dibs;

/// <summary>
/// Linux errno values used by the DIBS layer and the loopback device. Operations return them negated
/// (<c>-Errno.EINVAL</c>), as the kernel does.
/// </summary>
public static class Errno
{
    public const int ENOENT = 2;
    public const int EIO = 5;
    public const int ENOMEM = 12;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int EINVAL = 22;
    public const int ENOSPC = 28;
    public const int EOPNOTSUPP = 95;
    public const int ENETUNREACH = 101;
    public const int ETIMEDOUT = 110;

    /// <summary>Symbolic name of an errno (positive or negated), e.g. <c>-ENOSPC</c>; other codes as digits.</summary>
    public static string Name(int code)
    {
        if (code == 0)
            return "0";
        var name = Math.Abs(code) switch
        {
            ENOENT => "ENOENT",
            EIO => "EIO",
            ENOMEM => "ENOMEM",
            EBUSY => "EBUSY",
            EEXIST => "EEXIST",
            EINVAL => "EINVAL",
            ENOSPC => "ENOSPC",
            EOPNOTSUPP => "EOPNOTSUPP",
            ENETUNREACH => "ENETUNREACH",
            ETIMEDOUT => "ETIMEDOUT",
            _ => null,
        };
        return name is null ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : (code < 0 ? "-" : "") + name;
    }
}
