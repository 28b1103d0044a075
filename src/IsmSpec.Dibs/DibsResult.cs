namespace IsmSpec.Dibs;

/// <summary>
/// Outcome of a layer or device call: 0 on success, a negative errno on an expected failure (or, for
/// devices that pass them through such as ISM, a positive device code — research rule 49).
/// Expected failures travel as values, never as exceptions.
/// </summary>
public readonly struct DibsResult : IEquatable<DibsResult>
{
    public DibsResult(int code) => Code = code;

    /// <summary>0, a negative errno, or a positive device code.</summary>
    public int Code { get; }
    public bool IsOk => Code == 0;

    public static DibsResult Ok => default;
    /// <summary>A failure with the given errno (positive, as in <see cref="Errno"/>).</summary>
    public static DibsResult Fail(int errno) => new(-Math.Abs(errno));

    public bool Equals(DibsResult other) => Code == other.Code;
    public override bool Equals(object? obj) => obj is DibsResult other && Equals(other);
    public override int GetHashCode() => Code;
    public static bool operator ==(DibsResult left, DibsResult right) => left.Equals(right);
    public static bool operator !=(DibsResult left, DibsResult right) => !left.Equals(right);
    public override string ToString() => Errno.Name(Code);
}

/// <summary>A value and an error code travelling together; <see cref="Value"/> is meaningful only when <see cref="IsOk"/>.</summary>
public readonly struct DibsResult<T>
{
    private readonly T _value;

    public DibsResult(T value)
    {
        _value = value;
        Code = 0;
    }

    private DibsResult(int code, T value)
    {
        _value = value;
        Code = code;
    }

    public int Code { get; }
    public bool IsOk => Code == 0;
    public DibsResult Result => new(Code);

    /// <summary>The value; throws if the call failed, since reading it then is a programming error.</summary>
    public T Value => IsOk ? _value : throw new InvalidOperationException($"no value: the call failed with {Errno.Name(Code)}");

    public bool TryGetValue(out T value)
    {
        value = _value;
        return IsOk;
    }

    public static DibsResult<T> Fail(int errno) => new(-Math.Abs(errno), default!);
    public static implicit operator DibsResult<T>(T value) => new(value);
    public override string ToString() => IsOk ? $"ok {_value}" : Errno.Name(Code);
}
