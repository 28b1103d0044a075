using IsmSpec.Specs.S390Ism;

namespace IsmSpec.S390Ism;

public sealed partial class IsmFunction
{
    /// <summary>
    /// The handler the generated dispatcher calls, one method per command code (research §4.3). It runs under
    /// the fabric lock. A request whose reserved fields are not zero is refused with MALFORMED
    /// (ISM-DEV-MALFORMED) before the command looks at it.
    /// </summary>
    private readonly struct IsmFunctionCommands(IsmFunction f) : IIsmCommandsHandler
    {
        public IsmRet RegSba(in IsmRegSbaRequest request, ref IsmRegSbaResponse response) =>
            request.Validate(out _) ? f.CmdRegSba(request.Sba) : IsmDeviceCodes.Malformed;
        public IsmRet RegIeq(in IsmRegIeqRequest request, ref IsmRegIeqResponse response) =>
            request.Validate(out _) ? f.CmdRegIeq(request.Ieq, request.Len) : IsmDeviceCodes.Malformed;
        public IsmRet UnregSba(in IsmCmdSimpleRequest request, ref IsmCmdSimpleResponse response) =>
            request.Validate(out _) ? f.CmdUnregSba() : IsmDeviceCodes.Malformed;
        public IsmRet UnregIeq(in IsmCmdSimpleRequest request, ref IsmCmdSimpleResponse response) =>
            request.Validate(out _) ? f.CmdUnregIeq() : IsmDeviceCodes.Malformed;

        public IsmRet ReadGid(in IsmReadGidRequest request, ref IsmReadGidResponse response)
        {
            if (!request.Validate(out _)) return IsmDeviceCodes.Malformed;
            response.Gid = f.Gid;
            return IsmDeviceCodes.Success;
        }

        public IsmRet QueryInfo(in IsmQiRequest request, ref IsmQiResponse response) =>
            request.Validate(out _) ? f.CmdQueryInfo(ref response) : IsmDeviceCodes.Malformed;
        public IsmRet QueryRgid(in IsmQueryRgidRequest request, ref IsmQueryRgidResponse response) =>
            request.Validate(out _) ? f.CmdQueryRgid(request.Rgid, request.VlanValid != 0, request.VlanId) : IsmDeviceCodes.Malformed;

        public IsmRet AddVlanId(in IsmSetVlanIdRequest request, ref IsmSetVlanIdResponse response) =>
            request.Validate(out _) ? f.CmdAddVlanId(request.VlanId) : IsmDeviceCodes.Malformed;
        public IsmRet DelVlanId(in IsmSetVlanIdRequest request, ref IsmSetVlanIdResponse response) =>
            request.Validate(out _) ? f.CmdDelVlanId(request.VlanId) : IsmDeviceCodes.Malformed;
        public IsmRet SetVlan(in IsmCmdSimpleRequest request, ref IsmCmdSimpleResponse response) =>
            request.Validate(out _) ? f.CmdSetVlanRequired(true) : IsmDeviceCodes.Malformed;
        public IsmRet ResetVlan(in IsmCmdSimpleRequest request, ref IsmCmdSimpleResponse response) =>
            request.Validate(out _) ? f.CmdSetVlanRequired(false) : IsmDeviceCodes.Malformed;

        public IsmRet RegDmb(in IsmRegDmbRequest request, ref IsmRegDmbResponse response)
        {
            if (!request.Validate(out _)) return IsmDeviceCodes.Malformed;
            var code = f.CmdRegDmb(in request, out ulong token);
            if (code == IsmDeviceCodes.Success) response.DmbTok = token;
            return code;
        }

        public IsmRet UnregDmb(in IsmUnregDmbRequest request, ref IsmUnregDmbResponse response) =>
            request.Validate(out _) ? f.CmdUnregDmb(request.DmbTok) : IsmDeviceCodes.Malformed;
        public IsmRet SignalIeq(in IsmSigIeqRequest request, ref IsmSigIeqResponse response) =>
            request.Validate(out _) ? f.CmdSignalIeq(request.Rgid, request.TriggerIrq != 0, request.EventCode, request.Info) : IsmDeviceCodes.Malformed;
    }
}
