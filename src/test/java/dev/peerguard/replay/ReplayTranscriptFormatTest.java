package dev.peerguard.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files that are not in the study's format fail with the file, the JSON path and what was expected there. */
class ReplayTranscriptFormatTest {
    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    private static final String SYSTEM = "{\"role\": \"system\", \"content\": \"You are an AI agent.\", \"tool_calls\": {}}";

    @Test
    void notJson() throws IOException {
        Path p = file("notes.json", "this is not JSON\n");
        assertThatThrownBy(() -> Replay.run(p, Overrides.NONE))
                .isInstanceOf(TranscriptFormatException.class)
                .hasMessageStartingWith(p.toString() + ": at $ (line 1, column")
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void emptyFile() throws IOException {
        Path p = file("empty.json", "");
        assertThatThrownBy(() -> PublishedTranscript.read(p)).isInstanceOf(TranscriptFormatException.class)
                .hasMessageContaining("empty.json").hasMessageContaining("empty");
    }

    @Test
    void notAnObject() throws IOException {
        Path p = file("list.json", "[1, 2, 3]");
        assertThatThrownBy(() -> PublishedTranscript.read(p)).isInstanceOf(TranscriptFormatException.class)
                .hasMessage(p + ": at $: expected a JSON object with a \"conversation\" list, found a list");
    }

    @Test
    void missingConversation() throws IOException {
        Path p = file("noconv.json", "{\"experiment_metadata\": {}, \"task_evaluation\": {}}");
        assertThatThrownBy(() -> PublishedTranscript.read(p)).isInstanceOf(TranscriptFormatException.class)
                .hasMessageContaining(p + ": at $.conversation: ")
                .hasMessageContaining("no \"conversation\"")
                .hasMessageContaining("keys present: experiment_metadata, task_evaluation");
    }

    @Test
    void conversationOfTheWrongType() throws IOException {
        Path p = file("conv.json", "{\"conversation\": {\"role\": \"user\"}}");
        assertThatThrownBy(() -> PublishedTranscript.read(p))
                .hasMessage(p + ": at $.conversation: expected a list of messages, found an object");
    }

    @Test
    void toolCallsAsAList() throws IOException {
        Path p = file("calls.json", "{\"conversation\": [" + SYSTEM + ", {\"role\": \"user\", \"content\": \"hi\"}, "
                + "{\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"name\": \"list_files\"}]}]}");
        assertThatThrownBy(() -> PublishedTranscript.read(p)).isInstanceOf(TranscriptFormatException.class)
                .hasMessage(p + ": at $.conversation[2].tool_calls: expected an object keyed by tool name "
                        + "(e.g. {\"list_files\": {}}), found a list");
    }

    @Test
    void toolArgumentsOfTheWrongType() throws IOException {
        Path p = file("args.json", "{\"conversation\": [" + SYSTEM + ", {\"role\": \"assistant\", \"content\": \"\", "
                + "\"tool_calls\": {\"view_sheet\": [\"Evaluation data\"]}}]}");
        assertThatThrownBy(() -> PublishedTranscript.read(p))
                .hasMessage(p + ": at $.conversation[1].tool_calls.view_sheet: expected the call's arguments as an "
                        + "object, found a list");
    }

    @Test
    void badRoleAndContent() throws IOException {
        Path role = file("role.json", "{\"conversation\": [{\"content\": \"x\"}]}");
        assertThatThrownBy(() -> PublishedTranscript.read(role)).hasMessageContaining("$.conversation[0].role")
                .hasMessageContaining("expected one of \"system\", \"user\", \"assistant\", \"tool\", found nothing");
        Path content = file("content.json", "{\"conversation\": [" + SYSTEM + ", {\"role\": \"user\", \"content\": 42}]}");
        assertThatThrownBy(() -> PublishedTranscript.read(content))
                .hasMessage(content + ": at $.conversation[1].content: expected a string or null, found the number 42");
        Path message = file("message.json", "{\"conversation\": [\"hello\"]}");
        assertThatThrownBy(() -> PublishedTranscript.read(message)).hasMessageContaining("$.conversation[0]: expected "
                + "a message object");
    }

    @Test
    void evaluationAndMetadataMustBeObjects() throws IOException {
        Path eval = file("eval.json", "{\"conversation\": [], \"task_evaluation\": [true]}");
        assertThatThrownBy(() -> PublishedTranscript.read(eval))
                .hasMessage(eval + ": at $.task_evaluation: expected an object, found a list");
        Path meta = file("meta.json", "{\"conversation\": [], \"experiment_metadata\": \"gemini\"}");
        assertThatThrownBy(() -> PublishedTranscript.read(meta)).hasMessageContaining("$.experiment_metadata: expected "
                + "an object, found a string \"gemini\"");
    }

    @Test
    void unknownTaskWithoutCuesSuggestsTheFlag() throws IOException {
        Path p = file("vague.json", "{\"conversation\": [" + SYSTEM + ", {\"role\": \"user\", \"content\": \"Help.\"},"
                + " {\"role\": \"assistant\", \"content\": \"Done.\", \"tool_calls\": {\"end_task\": {}}}],"
                + " \"experiment_metadata\": {\"subject\": 2}}");
        assertThatThrownBy(() -> Replay.run(p, Overrides.NONE)).isInstanceOf(ReplayException.class)
                .isNotInstanceOf(TranscriptFormatException.class)
                .hasMessageContaining(p.toString())
                .hasMessageContaining("Pass --task with one of: misrep_finance, misrep_evaluation, tampering, "
                        + "alignment_faking, exfiltration_transfer, exfiltration_deletion");
    }

    @Test
    void aMissingFileIsReportedByName() {
        Path p = dir.resolve("absent.json");
        assertThatThrownBy(() -> Replay.run(p, Overrides.NONE)).isInstanceOf(ReplayException.class)
                .hasMessageContaining("absent.json").hasMessageContaining("cannot read");
    }

    @Test
    void theScratchpadVariantAndCodingAgentMessagesAreRead() throws IOException {
        Path p = file("variant.json", "{\"conversation\": [{\"role\": \"system\", \"content\": \"You are an AI agent.\"},"
                + " {\"role\": \"user\", \"content\": \"Help.\"}, {\"role\": \"assistant\", \"content\": \"Let me look.\","
                + " \"tool_calls\": {\"read_file\": {\"path\": \"docs/notice.txt\"}}}, {\"role\": \"tool\", \"content\":"
                + " \"notice\", \"tool_calls\": {\"read_file\": {\"path\": \"docs/notice.txt\"}}, \"tool_call_id\": \"a\"}],"
                + " \"main_task_evaluation\": {\"exfiltration\": false}, \"side_task_evaluation\": {}, \"_canary\": \"C\"}");
        PublishedTranscript t = PublishedTranscript.read(p);
        assertThat(t.evaluationKey()).isEqualTo("main_task_evaluation");
        assertThat(t.evaluation()).containsEntry("exfiltration", false);
        assertThat(t.canary()).isEqualTo("C");
        assertThat(t.turns()).singleElement().satisfies(turn -> {
            assertThat(turn.calls().get(0).arguments()).containsEntry("path", "docs/notice.txt");
            assertThat(turn.results()).containsExactly("notice");
        });
    }
}
