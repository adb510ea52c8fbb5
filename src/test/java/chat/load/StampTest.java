package chat.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StampTest {
  @Test
  @DisplayName("A send's start time travels in its client id and at the head of its body, and comes back out of both")
  void roundTrip() {
    long start = 123_456_789_012_345L;
    String id = Stamp.id(7, 42, start);
    String body = Stamp.body(id, 100);
    assertThat(id.length()).isLessThanOrEqualTo(64); // the protocol's limit for a client id
    assertThat(body).hasSize(100);
    assertThat(Stamp.startOfId(id)).isEqualTo(start);
    assertThat(Stamp.idOfBody(body)).isEqualTo(id);
    assertThat(Stamp.keyOfId(id)).isEqualTo("7-42");
  }

  @Test
  @DisplayName("A body asked to be shorter than its stamp is just long enough to carry it")
  void tinyBody() {
    String id = Stamp.id(0, 0, 5);
    assertThat(Stamp.idOfBody(Stamp.body(id, 1))).isEqualTo(id);
  }
}
