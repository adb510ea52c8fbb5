package chat.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import chat.store.Message;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MessageRecordTest {
  private static final Message SENT = new Message(7, "d:alice:bob", "alice", "phone", "c1", "text", "hi ✓", 42);
  private static final Message SYSTEM = new Message(8, "g:9", "alice", null, null, Message.SYSTEM_KIND,
      "{\"type\":\"member.removed\",\"by\":\"alice\",\"userId\":\"carol\"}", 43);

  @Test
  @DisplayName("A sent message's record round-trips with its origin and no recipients, left to the fan-out")
  void sentMessage() {
    MessageRecord record = new MessageRecord(SENT, "session-1", null);

    assertThat(MessageRecord.decode(record.encode())).isEqualTo(record);
  }

  @Test
  @DisplayName("A system message's record keeps the recipients fixed when its change was stored, in order")
  void systemMessage() {
    MessageRecord record = new MessageRecord(SYSTEM, null, List.of("alice", "bob", "carol"));

    MessageRecord decoded = MessageRecord.decode(record.encode());

    assertThat(decoded).isEqualTo(record);
    assertThat(decoded.recipients()).containsExactly("alice", "bob", "carol");
  }
}
