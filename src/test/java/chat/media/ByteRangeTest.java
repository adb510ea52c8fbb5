package chat.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.protocol.ChatException;
import chat.protocol.ErrorCode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ByteRangeTest {
  @Test
  @DisplayName("First bytes, a middle range, an open end past the size and a suffix are clipped to the representation")
  void satisfiableRanges() {
    assertThat(ByteRange.parse("bytes=0-0", 100)).isEqualTo(new ByteRange(0, 1));
    assertThat(ByteRange.parse("bytes=10-19", 100)).isEqualTo(new ByteRange(10, 10));
    assertThat(ByteRange.parse("bytes=90-500", 100)).isEqualTo(new ByteRange(90, 10));
    assertThat(ByteRange.parse("BYTES= 95-", 100)).isEqualTo(new ByteRange(95, 5));
    assertThat(ByteRange.parse("bytes=-30", 100)).isEqualTo(new ByteRange(70, 30));
    assertThat(ByteRange.parse("bytes=-300", 100)).isEqualTo(new ByteRange(0, 100));
    assertThat(new ByteRange(10, 10).contentRange(100)).isEqualTo("bytes 10-19/100");
  }

  @Test
  @DisplayName("No header, another unit or several ranges mean the whole representation")
  void wholeRepresentation() {
    assertThat(ByteRange.parse(null, 100)).isNull();
    assertThat(ByteRange.parse("items=0-1", 100)).isNull();
    assertThat(ByteRange.parse("bytes=0-1,5-6", 100)).isNull();
  }

  @Test
  @DisplayName("A range past the end, an empty suffix and malformed ranges are not satisfiable")
  void unsatisfiable() {
    for (String header : new String[] {"bytes=100-", "bytes=100-200", "bytes=-0", "bytes=5-2", "bytes=a-b", "bytes=7",
        "bytes=-", "bytes=99999999999999999999-"}) {
      assertThatThrownBy(() -> ByteRange.parse(header, 100)).as(header).isInstanceOfSatisfying(ChatException.class,
          e -> assertThat(e.code).isEqualTo(ErrorCode.RANGE_NOT_SATISFIABLE));
    }
    assertThatThrownBy(() -> ByteRange.parse("bytes=-5", 0)).isInstanceOf(ChatException.class);
  }
}
