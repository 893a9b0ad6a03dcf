package dev.peerguard.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.peerguard.agent.Message;
import dev.peerguard.tool.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLinesTest {
    @Test
    void readsObjectsAndKeepsEveryOtherLineAsAProblem() {
        JsonLines.Read read = JsonLines.read("""
                {"type":"a"}

                warning: something\r
                [1, 2]
                {"type":"b","n":2}
                {"type":"c","trunc""");
        assertThat(read.lines()).extracting(JsonLines.Line::type).containsExactly("a", "b");
        assertThat(read.lines()).extracting(JsonLines.Line::number).containsExactly(1, 5);
        assertThat(read.problems()).hasSize(3);
        assertThat(read.problems().get(0)).startsWith("line 3: not JSON (other output)").contains("warning");
        assertThat(read.problems().get(1)).startsWith("line 4: not a JSON object");
        assertThat(read.problems().get(2)).startsWith("line 6: not JSON (truncated or malformed)");
    }

    @Test
    void emptyAndNullOutputReadAsNothing() {
        assertThat(JsonLines.read("").lines()).isEmpty();
        assertThat(JsonLines.read(null).problems()).isEmpty();
        assertThat(JsonLines.read("\n\n").problems()).isEmpty();
    }

    @Test
    void longProblemLinesAreShortened() {
        String line = "x".repeat(1000);
        assertThat(JsonLines.read(line).problems().get(0)).hasSizeLessThan(300).endsWith("...");
    }

    @Test
    void callArgumentsMayBeAnObjectOrAStringHoldingOne() throws Exception {
        ObjectMapper m = new ObjectMapper();
        ToolCall object = JsonLines.call("1", "shell", m.readTree("{\"command\":\"ls\",\"n\":null}"));
        assertThat(object.arguments()).containsEntry("command", "ls").containsEntry("n", null);
        assertThat(JsonLines.call("2", "shell", new TextNode("{\"command\":\"ls\"}")).arguments())
                .isEqualTo(Map.of("command", "ls"));
        ToolCall notJson = JsonLines.call("3", "shell", new TextNode("{ls"));
        assertThat(notJson.argumentsError()).isEqualTo("arguments are not JSON");
        assertThat(notJson.arguments()).containsEntry("_raw_arguments", "{ls");
        assertThat(JsonLines.call("4", "shell", m.readTree("[1]")).argumentsError())
                .isEqualTo("arguments are not a JSON object");
        assertThat(JsonLines.call("5", "shell", null).arguments()).isEmpty();
    }

    @Test
    void turnsPutEachTurnBeforeTheResultsOfItsCallsInCallOrder() {
        List<String> problems = new ArrayList<>();
        JsonLines.Turns turns = new JsonLines.Turns(problems);
        ToolCall a = new ToolCall("a", "shell", Map.of());
        ToolCall b = new ToolCall("b", "read", Map.of());
        turns.reasoning("think");
        turns.text("Hello ");
        turns.text("world");
        turns.call(a);
        turns.call(b);
        turns.result("b", "B", "line 1");
        turns.result("a", "A", "line 2");
        turns.text("Done.");
        List<Message> messages = turns.finish();
        assertThat(messages).containsExactly(
                new Message.Assistant("Hello world", List.of(a, b), "think"),
                new Message.ToolResult(a, "A"), new Message.ToolResult(b, "B"),
                new Message.Assistant("Done.", List.of(), null));
        assertThat(problems).isEmpty();
    }

    @Test
    void aLateResultFollowsAndAnUnknownOneIsAProblem() {
        List<String> problems = new ArrayList<>();
        JsonLines.Turns turns = new JsonLines.Turns(problems);
        ToolCall task = new ToolCall("t", "Task", Map.of());
        turns.call(task);
        turns.endTurn();
        turns.text("sub-agent at work");
        turns.endTurn();
        turns.result("t", "task done", "line 7");
        turns.result("t", "again", "line 8");
        turns.result("zzz", "?", "line 9");
        assertThat(turns.finish()).containsExactly(new Message.Assistant("", List.of(task), null),
                new Message.Assistant("sub-agent at work", List.of(), null), new Message.ToolResult(task, "task done"));
        assertThat(problems).containsExactly("line 8: result for an unknown or already answered call t",
                "line 9: result for an unknown or already answered call zzz");
    }
}
