using FineTune.Api.V1Alpha1;
using FineTune.LocalApiServer.Resources;
using FineTune.Operator.Controllers;
using FineTune.Operator.Finalizers;
using FineTune.Operator.Status;
using FineTune.Operator.Tests.Support;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace FineTune.Operator.Tests.Finalizers;

/// <summary>
/// Cleanup passes of the finalizer run one by one against the in-process API server, with a file:// output the
/// operator can see (real directories), so each pass's outcome is checked before the next.
/// </summary>
public sealed class CleanupFinalizerTests : ClusterFixture
{
    private const string RunId = "20261128t100000-g1";
    private const string Name = "bot";
    private string root = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        root = Directory.CreateTempSubdirectory("ft-finalizer-").FullName;
    }

    public override async Task DisposeAsync()
    {
        Directory.Delete(root, recursive: true);
        await base.DisposeAsync();
    }

    private string RunDirectory => Path.Combine(root, "out", RunId);

    private CleanupFinalizer Finalizer()
    {
        var outputs = new StorageOutputCleaner(new StorageCredentialsReader(Client), NullLogger<StorageOutputCleaner>.Instance);
        var events = new EventRecorder(Client, TimeProvider.System, NullLogger<EventRecorder>.Instance);
        return new CleanupFinalizer(Client, outputs, events, TimeProvider.System, NullLogger<CleanupFinalizer>.Instance);
    }

    /// <summary>A FineTuneJob with the finalizer, a run that wrote a checkpoint, one Job, and the job deleted by the user.</summary>
    private async Task<V1Job> DeletedJobWithOutputsAsync(bool retainOnDelete)
    {
        var job = TestJobs.Lora(Name);
        job.Spec.Output = new OutputSpec { Uri = new Uri(Path.Combine(root, "out") + "/").AbsoluteUri, RetainOnDelete = retainOnDelete };
        await CreateAsync(job);
        await Finalizer().EnsureAsync(Get(Name)!, CancellationToken.None);
        await Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch($$$"""{"status":{"runId":"{{{RunId}}}"}}""", V1Patch.PatchType.MergePatch),
            FineTuneJobApi.Group, FineTuneJobApi.Version, Ns, FineTuneJobApi.Plural, Name);
        Directory.CreateDirectory(Path.Combine(RunDirectory, "train", "checkpoints", "step-5"));
        await File.WriteAllTextAsync(Path.Combine(RunDirectory, "train", "checkpoints", "step-5", "state.bin"), "weights");

        var k8sJob = Server.Objects.Create(new V1Job
        {
            ApiVersion = "batch/v1", Kind = "Job",
            Metadata = new V1ObjectMeta { Name = $"{Name}-100000-train-1", NamespaceProperty = Ns, Labels = new Dictionary<string, string> { ["finetune.dev/job"] = Name } },
            Spec = new V1JobSpec { Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [new V1Container { Name = "trainer", Image = "t" }] } } },
        });
        await Client.CustomObjects.DeleteNamespacedCustomObjectAsync(FineTuneJobApi.Group, FineTuneJobApi.Version, Ns, FineTuneJobApi.Plural, Name);
        return k8sJob;
    }

    /// <summary>A trainer pod in <paramref name="phase"/>, owned by <paramref name="owner"/> when given.</summary>
    private V1Pod CreatePod(string name, string phase, V1Job? owner = null) => Server.Objects.Create(new V1Pod
    {
        ApiVersion = "v1", Kind = "Pod",
        Metadata = new V1ObjectMeta
        {
            Name = name, NamespaceProperty = Ns,
            Labels = new Dictionary<string, string> { ["finetune.dev/job"] = Name },
            OwnerReferences = owner is null ? null :
                [new V1OwnerReference { ApiVersion = "batch/v1", Kind = "Job", Name = owner.Metadata.Name, Uid = owner.Metadata.Uid, Controller = true }],
        },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "trainer", Image = "t" }] },
        Status = new V1PodStatus { Phase = phase },
    });

    /// <summary>The kubelet has sent SIGTERM: the pod stays, marked for deletion, until its trainer exits.</summary>
    private void MarkTerminating(string pod) => Server.Store.MarkTerminating(BuiltInResources.Pods, Ns, pod, 300);

    private IReadOnlyList<Corev1Event> EventsOf(string reason) => Server.Objects.List<Corev1Event>(Ns).Where(e => e.Reason == reason).ToList();

    [Fact]
    public async Task Outputs_stay_while_a_trainer_pod_is_terminating_and_go_once_it_stopped()
    {
        var k8sJob = await DeletedJobWithOutputsAsync(retainOnDelete: false);
        CreatePod("bot-train-abcde", "Running", k8sJob);
        MarkTerminating("bot-train-abcde");
        var finalizer = Finalizer();

        var first = await finalizer.FinalizeAsync(Get(Name)!, CancellationToken.None);

        Assert.Equal(CleanupFinalizer.PodStopRecheck, first);
        Assert.Empty(TrainingJobs(Name));
        Assert.True(File.Exists(Path.Combine(RunDirectory, "train", "checkpoints", "step-5", "state.bin")));
        var waiting = Get(Name)!;
        Assert.Contains(CleanupFinalizer.Name, waiting.Metadata.Finalizers);
        var condition = Conditions.Find(waiting.Status!.Conditions, ConditionTypes.OutputsDeleted)!;
        Assert.Equal((ConditionStatus.False, CleanupFinalizer.WaitingForTrainerPods), (condition.Status, condition.Reason));
        Assert.Equal("waiting for 1 trainer pod(s) to stop before deleting outputs: bot-train-abcde (Running, terminating)", condition.Message);
        Assert.Equal("Normal", Assert.Single(EventsOf(CleanupFinalizer.WaitingForTrainerPods)).Type);

        // The trainer uploads its last checkpoint during its grace period; a second pass still waits, and says so only once.
        await File.WriteAllTextAsync(Path.Combine(RunDirectory, "train", "checkpoints", "step-5", "late.bin"), "last step");
        Assert.Equal(CleanupFinalizer.PodStopRecheck, await finalizer.FinalizeAsync(Get(Name)!, CancellationToken.None));
        Assert.Single(EventsOf(CleanupFinalizer.WaitingForTrainerPods));

        Server.Objects.Update<V1Pod>(Ns, "bot-train-abcde", p => p.Status.Phase = "Failed");
        var last = await finalizer.FinalizeAsync(Get(Name)!, CancellationToken.None);

        Assert.Null(last);
        Assert.False(Directory.Exists(RunDirectory));
        Assert.Null(Get(Name));
        Assert.Contains(EventsOf("OutputsDeleted"), e => e.Message.Contains("deleted 2 object(s)"));
    }

    [Fact]
    public async Task A_running_pod_not_yet_stopped_by_the_garbage_collector_holds_back_deletion()
    {
        await DeletedJobWithOutputsAsync(retainOnDelete: false);
        // Its Job is gone already; the garbage collector has not got to the pod yet.
        CreatePod("bot-train-fghij", "Running");
        CreatePod("bot-train-old01", "Succeeded");
        var finalizer = Finalizer();

        Assert.Equal(CleanupFinalizer.PodStopRecheck, await finalizer.FinalizeAsync(Get(Name)!, CancellationToken.None));
        Assert.True(Directory.Exists(RunDirectory));
        Assert.Contains("waiting for 1 trainer pod(s) to stop before deleting outputs: bot-train-fghij (Running)",
            Assert.Single(EventsOf(CleanupFinalizer.WaitingForTrainerPods)).Message);

        Server.Objects.Delete<V1Pod>(Ns, "bot-train-fghij");
        Assert.Null(await finalizer.FinalizeAsync(Get(Name)!, CancellationToken.None));
        Assert.False(Directory.Exists(RunDirectory));
        Assert.Null(Get(Name));
    }

    [Fact]
    public async Task Retained_outputs_do_not_wait_for_terminating_pods()
    {
        var k8sJob = await DeletedJobWithOutputsAsync(retainOnDelete: true);
        CreatePod("bot-train-klmno", "Running", k8sJob);
        MarkTerminating("bot-train-klmno");

        Assert.Null(await Finalizer().FinalizeAsync(Get(Name)!, CancellationToken.None));

        Assert.Null(Get(Name));
        Assert.NotNull(Server.Objects.Get<V1Pod>(Ns, "bot-train-klmno")?.Metadata.DeletionTimestamp);
        Assert.True(Directory.Exists(RunDirectory));
        Assert.Single(EventsOf("OutputsRetained"));
        Assert.Empty(EventsOf(CleanupFinalizer.WaitingForTrainerPods));
    }

    [Fact]
    public async Task A_stale_copy_and_a_conflicting_write_still_end_with_the_finalizer_removed()
    {
        await DeletedJobWithOutputsAsync(retainOnDelete: false);
        CreatePod("bot-train-pqrst", "Running");
        var beforeWaiting = Get(Name)!;
        var finalizer = Finalizer();
        Assert.Equal(CleanupFinalizer.PodStopRecheck, await finalizer.FinalizeAsync(beforeWaiting, CancellationToken.None));
        Server.Objects.Delete<V1Pod>(Ns, "bot-train-pqrst");
        // A write between the pass's read and its finalizer patch (the trainer's last progress patch) answers 409.
        Server.Faults.FailNext("patch", "finetunejobs", 409);

        // An informer copy that does not show the condition written meanwhile (its resourceVersion is stale).
        Assert.Null(await finalizer.FinalizeAsync(beforeWaiting, CancellationToken.None));

        Assert.Equal(0, Server.Faults.Pending);
        Assert.Null(Get(Name));
        Assert.False(Directory.Exists(RunDirectory));
        Assert.Single(EventsOf(CleanupFinalizer.WaitingForTrainerPods));
    }
}
