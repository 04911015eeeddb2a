namespace FineTune.Operator.Reconciliation;

/// <summary>A change to the children of a FineTuneJob that a reconcile decided on; the controller carries it out.</summary>
public abstract record ChildAction;
