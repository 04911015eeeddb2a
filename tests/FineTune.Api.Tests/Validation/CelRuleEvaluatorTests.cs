using System.Text.Json.Nodes;
using FineTune.Api.Validation;

namespace FineTune.Api.Tests.Validation;

public sealed class CelRuleEvaluatorTests
{
    /// <summary>An object schema with an integer <c>a</c>, a list of integers <c>items</c> and the given rules on the object.</summary>
    private static StructuralSchema Schema(string rulesJson, string itemRulesJson = "[]") =>
        StructuralSchema.From(JsonNode.Parse($$"""
            {
              "type": "object",
              "properties": {
                "a": { "type": "integer" },
                "b": { "type": "string" },
                "items": { "type": "array", "items": { "type": "integer", "x-kubernetes-validations": {{itemRulesJson}} } }
              },
              "x-kubernetes-validations": {{rulesJson}}
            }
            """)!.AsObject());

    private static List<ValidationError> Evaluate(StructuralSchema schema, string json, string? oldJson = null)
    {
        var errors = new List<ValidationError>();
        CelRuleEvaluator.Evaluate(schema, JsonNode.Parse(json), oldJson is null ? null : JsonNode.Parse(oldJson), "spec", errors, reportEvaluationErrors: true);
        return errors;
    }

    [Fact]
    public void Failing_rule_is_reported_on_create()
    {
        var schema = Schema("""[{ "rule": "self.a < 5", "message": "a must be below 5" }]""");
        var error = Assert.Single(Evaluate(schema, """{ "a": 7 }"""));
        Assert.Equal("spec", error.Path);
        Assert.Equal("a must be below 5", error.Message);
    }

    [Fact]
    public void Failing_rule_on_an_unchanged_value_is_ratcheted_on_update()
    {
        var schema = Schema("""[{ "rule": "self.a < 5" }]""");
        Assert.Empty(Evaluate(schema, """{ "a": 7 }""", oldJson: """{ "a": 7 }"""));
    }

    [Fact]
    public void Failing_rule_on_a_changed_value_is_reported_on_update()
    {
        var schema = Schema("""[{ "rule": "self.a < 5" }]""");
        Assert.Equal("failed rule: self.a < 5", Assert.Single(Evaluate(schema, """{ "a": 7, "b": "x" }""", oldJson: """{ "a": 7 }""")).Message);
    }

    [Fact]
    public void Transition_rule_runs_on_an_unchanged_value_and_is_never_ratcheted()
    {
        var schema = Schema("""[{ "rule": "self.a > oldSelf.a", "message": "a must grow" }]""");
        Assert.Equal("a must grow", Assert.Single(Evaluate(schema, """{ "a": 7 }""", oldJson: """{ "a": 7 }""")).Message);
        Assert.Empty(Evaluate(schema, """{ "a": 8 }""", oldJson: """{ "a": 7 }"""));
    }

    [Fact]
    public void Transition_rule_is_skipped_without_an_old_value()
    {
        var schema = Schema("""[{ "rule": "self.a > oldSelf.a" }]""");
        Assert.Empty(Evaluate(schema, """{ "a": 7 }"""));
    }

    [Fact]
    public void Items_of_an_unchanged_atomic_list_are_not_ratcheted()
    {
        // Kubernetes correlates list items only for listType=map; items of atomic lists have no old value.
        var schema = Schema("[]", itemRulesJson: """[{ "rule": "self < 5", "message": "items must be below 5" }]""");
        var error = Assert.Single(Evaluate(schema, """{ "items": [1, 9] }""", oldJson: """{ "items": [1, 9] }"""));
        Assert.Equal("spec.items[1]", error.Path);
    }

    [Fact]
    public void Unchanged_property_is_ratcheted_while_a_changed_sibling_is_checked()
    {
        var schema = StructuralSchema.From(JsonNode.Parse("""
            {
              "type": "object",
              "properties": {
                "left": { "type": "object", "properties": { "n": { "type": "integer" } }, "x-kubernetes-validations": [{ "rule": "self.n < 5" }] },
                "right": { "type": "object", "properties": { "n": { "type": "integer" } }, "x-kubernetes-validations": [{ "rule": "self.n < 5" }] }
              }
            }
            """)!.AsObject());
        var errors = Evaluate(schema, """{ "left": { "n": 9 }, "right": { "n": 9 } }""", oldJson: """{ "left": { "n": 9 }, "right": { "n": 1 } }""");
        Assert.Equal("spec.right", Assert.Single(errors).Path);
    }

    [Fact]
    public void Remembered_outcomes_give_the_same_errors_as_the_first_evaluation()
    {
        var schema = Schema("""[{ "rule": "self.a < 5", "messageExpression": "'a is ' + string(self.a)" }, { "rule": "self.b != 'x'", "fieldPath": ".b" }]""");
        var first = Evaluate(schema, """{ "a": 7, "b": "x" }""");
        var again = Evaluate(schema, """{ "a": 7, "b": "x" }""");
        Assert.Equal(["spec: a is 7", "spec.b: failed rule: self.b != 'x'"], first.Select(e => $"{e.Path}: {e.Message}"));
        Assert.Equal(first.Select(e => $"{e.Path}: {e.Message}"), again.Select(e => $"{e.Path}: {e.Message}"));
        Assert.Equal("a is 8", Assert.Single(Evaluate(schema, """{ "a": 8, "b": "y" }""")).Message);
    }

    [Fact]
    public void Evaluation_errors_are_reported_only_when_asked()
    {
        var schema = Schema("""[{ "rule": "self.missing.n > 0" }]""");
        var quiet = new List<ValidationError>();
        CelRuleEvaluator.Evaluate(schema, JsonNode.Parse("""{ "a": 1 }"""), null, "spec", quiet, reportEvaluationErrors: false);
        Assert.Empty(quiet);
        Assert.Contains("could not be evaluated", Assert.Single(Evaluate(schema, """{ "a": 1 }""")).Message);
    }
}
