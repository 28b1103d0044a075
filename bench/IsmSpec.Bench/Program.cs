using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// --quick: every benchmark once, in process, so CI proves they still run (numbers from it mean nothing). Dry is a
// mutator, so it also overrides the [SimpleJob] settings of the Control/Data/Stream classes instead of adding a job.
// Anything else is passed to BenchmarkDotNet (e.g. --filter '*Codec*').
bool quick = args.Contains("--quick");
var rest = args.Where(a => a != "--quick").ToArray();
IConfig config = quick
    ? DefaultConfig.Instance.AddJob(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance).AsMutator()).WithOptions(ConfigOptions.DisableOptimizationsValidator)
    : DefaultConfig.Instance;
if (quick && rest.Length == 0) rest = ["--filter", "*"];
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, config);
bool failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
return failed ? 1 : 0;
