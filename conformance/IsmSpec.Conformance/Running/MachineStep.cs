using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;

namespace IsmSpec.Conformance;

/// <summary>
/// One operation of a model-based state machine (FsCheck.Experimental): a precondition and a transition
/// on the immutable model, and a check that performs the call on the device and compares it with the
/// post-state model, followed by the machine's invariants. A violation (an exception from the check or an
/// invariant) becomes a false property labelled with the step, so the shrunk sequence reads as a story.
/// </summary>
public class MachineStep<TActual, TModel>(
    string name,
    Func<TModel, bool> pre,
    Func<TModel, TModel> run,
    Action<TActual, TModel> check,
    Action<TActual, TModel> invariants) : Operation<TActual, TModel>
{
    public override bool Pre(TModel model) => pre(model);

    public override TModel Run(TModel model) => run(model);

    public override Property Check(TActual actual, TModel model)
    {
        try
        {
            check(actual, model);
            invariants(actual, model);
            return Prop.ToProperty(true);
        }
        catch (Exception e)
        {
            return Prop.Label(false, $"{name}: {e.Message}");
        }
    }

    public override string ToString() => name;
}
