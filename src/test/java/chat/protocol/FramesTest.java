package chat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import chat.store.Message;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FramesTest {
  private final Message message = new Message(384817344809009152L, "d:1:2", "1", "phone", "send \"1\"\\\u2028é",
      "text", "hello {\"x\"}", 1795814804563L);

  @Test
  @DisplayName("A message event is encoded once and the sender's copy gains its client id, escaped, as valid JSON")
  void senderCopyAddsEscapedClientId() {
    String shared = Frames.messageEvent(message);
    JsonObject others = new JsonObject(shared);
    assertThat(others.containsKey("id")).isFalse();
    assertThat(others.getString("body")).isEqualTo("hello {\"x\"}");

    JsonObject senders = new JsonObject(Frames.withClientId(shared, message.clientId()));
    assertThat(senders.getString("id")).isEqualTo("send \"1\"\\\u2028é");
    assertThat(senders.copy().put("id", null).fieldNames()).containsExactlyInAnyOrderElementsOf(
        others.copy().put("id", null).fieldNames());
    assertThat(Frames.withClientId(shared, null)).isSameAs(shared);
  }

  @Test
  @DisplayName("A seq is inserted into a stored payload without re-encoding it, also into an empty object")
  void seqInserted() {
    JsonObject withSeq = new JsonObject(Frames.withSeq(Frames.messageEvent(message), 42));
    assertThat(withSeq.getLong("seq")).isEqualTo(42L);
    assertThat(withSeq.getString("msgId")).isEqualTo("384817344809009152");
    assertThat(Frames.withSeq("{}", 7)).isEqualTo("{\"seq\":7}");
  }

  @Test
  @DisplayName("The members a sender's copy adds are recovered exactly, and only from a payload that is the shared one with members first")
  void membersBeforeInvertsWithMember() {
    String shared = Frames.messageEvent(message);
    String senders = Frames.withClientId(shared, message.clientId());
    String members = Frames.membersBefore(senders, shared);
    assertThat(members).isEqualTo("\"id\":" + Json.encode(message.clientId()));
    assertThat(Frames.withMember(shared, members)).isEqualTo(senders);

    assertThat(Frames.membersBefore(shared, shared)).isNull();
    assertThat(Frames.membersBefore("{\"a\":1}", shared)).isNull();
    assertThat(Frames.membersBefore("{\"x\":1" + shared.substring(1), shared)).isNull(); // no comma between
    assertThat(Frames.membersBefore("[\"x\"," + shared.substring(1), shared)).isNull();
    assertThat(Frames.membersBefore("{\"id\":1}", "{}")).isNull();
  }
}
