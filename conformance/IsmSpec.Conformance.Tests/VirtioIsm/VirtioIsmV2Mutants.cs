using System.Buffers.Binary;
using IsmSpec.Conformance.VirtioIsm;
using IsmSpec.Specs.VirtioIsm.V2;
using static IsmSpec.Conformance.Tests.VirtioIsm.VirtioIsmMutants;

namespace IsmSpec.Conformance.Tests.VirtioIsm;

/// <summary>
/// Deliberately broken version-2 (chunk/area) devices, each violating exactly one VISM2 requirement: decorators
/// (<see cref="Wrapped"/>) around the reference adapter's version-2 guests that rewrite controlq bytes or eventq messages.
/// </summary>
internal static class VirtioIsmV2Mutants
{
    private static bool Is(byte[] request, byte cls, int length, byte code = 0) => request.Length == length && request[0] == cls && request[1] == code;

    /// <summary>VISM2-DEC-AREAS broken: an OK ALLOC or ATTACH reply with several areas loses its last one (num and tail agree).</summary>
    internal sealed class AreaMissing(IVirtioIsmHost inner) : Wrapped(inner)
    {
        public override byte[] Exchange(Guest g, byte[] request, int replyCapacity)
        {
            var reply = base.Exchange(g, request, replyCapacity);
            int at = Is(request, VirtioIsmCtrl.AllocClass, VirtioIsmCtrl.AllocRequestLength) ? 9
                : Is(request, VirtioIsmCtrl.AttachClass, VirtioIsmCtrl.AttachRequestLength) ? 1 : -1;
            if (at < 0 || reply is not [0, ..] || reply.Length < at + 8) return reply;
            ulong num = BinaryPrimitives.ReadUInt64LittleEndian(reply.AsSpan(at));
            if (num < 2 || reply.Length < at + 8 + (int)num * VirtioIsmArea.Size) return reply;
            BinaryPrimitives.WriteUInt64LittleEndian(reply.AsSpan(at), num - 1);
            return reply[..(at + 8 + (int)(num - 1) * VirtioIsmArea.Size)];
        }
    }

    /// <summary>VISM2-DEC-ACK-MAP broken: ATTACH of an unknown token acks ERR instead of ENOENT.</summary>
    internal sealed class AttachUnknownErr(IVirtioIsmHost inner) : Wrapped(inner)
    {
        public override byte[] Exchange(Guest g, byte[] request, int replyCapacity)
        {
            var reply = base.Exchange(g, request, replyCapacity);
            return Is(request, VirtioIsmCtrl.AttachClass, VirtioIsmCtrl.AttachRequestLength) && reply is [(byte)VirtioIsmAck.Enoent] ? [(byte)VirtioIsmAck.Err] : reply;
        }
    }

    /// <summary>VISM2-DEC-CLEAN-DEFAULT broken: the CLEAN_DEFAULT bit of both GRANTs is dropped.</summary>
    internal sealed class CleanDefaultIgnored(IVirtioIsmHost inner) : Wrapped(inner)
    {
        public override byte[] Exchange(Guest g, byte[] request, int replyCapacity)
        {
            if (Is(request, 3, VirtioIsmCtrl.GrantSetDefaultRequestLength) || Is(request, 3, VirtioIsmCtrl.GrantSetForDeviceRequestLength, 1))
                request[2 + 8] &= unchecked((byte)~(byte)VirtioIsmPerm.CleanDefault);
            return base.Exchange(g, request, replyCapacity);
        }
    }

    /// <summary>VISM2-DEC-EVENTQ broken: update events name devid 0 instead of the writer.</summary>
    internal sealed class EventWriterZero(IVirtioIsmHost inner) : Wrapped(inner)
    {
        public override IReadOnlyList<byte[]> TakeEvents(Guest g) =>
            base.TakeEvents(g).Select(m => m.Length >= VirtioIsmEventUpdate.Size ? [.. m[..16], .. new byte[8], .. m[24..]] : m).ToList();
    }

    /// <summary>VISM2-DEC-EVENT-VECTOR broken: EVENT_VECTOR beyond the device's vectors acks OK (and binds nothing).</summary>
    internal sealed class VectorBeyondOk(IVirtioIsmHost inner) : Wrapped(inner)
    {
        private readonly int _vectors = inner.VectorCount;

        public override byte[] Exchange(Guest g, byte[] request, int replyCapacity)
        {
            var reply = base.Exchange(g, request, replyCapacity);
            return Is(request, VirtioIsmCtrl.EventVectorClass, VirtioIsmCtrl.EventVectorRequestLength) && reply is [(byte)VirtioIsmAck.Err]
                && BinaryPrimitives.ReadUInt64LittleEndian(request.AsSpan(10)) >= (ulong)_vectors ? [(byte)VirtioIsmAck.Ok] : reply;
        }
    }

    /// <summary>VISM2-DEC-GRANT-SPLIT broken: the device reads GRANT_SET_FOR_DEVICE in version 1's order (peer_devid before permissions).</summary>
    internal sealed class GrantFieldsSwapped(IVirtioIsmHost inner) : Wrapped(inner)
    {
        public override byte[] Exchange(Guest g, byte[] request, int replyCapacity)
        {
            if (Is(request, 3, VirtioIsmCtrl.GrantSetForDeviceRequestLength, 1))
                request = [.. request[..10], .. request[18..26], .. request[10..18]];
            return base.Exchange(g, request, replyCapacity);
        }
    }
}
