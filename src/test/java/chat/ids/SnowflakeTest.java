package chat.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import chat.support.ManualClock;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SnowflakeTest {
  @Test
  @DisplayName("Ids carry their millisecond and node id and rise strictly within a millisecond")
  void layout() {
    ManualClock clock = new ManualClock();
    Snowflake ids = new Snowflake(513, clock);
    long a = ids.next();
    long b = ids.next();
    assertThat(b).isGreaterThan(a);
    assertThat(Snowflake.timestampOf(a)).isEqualTo(clock.millis());
    assertThat(Snowflake.nodeOf(a)).isEqualTo(513);
  }

  @Test
  @DisplayName("More than 4,096 ids in one millisecond borrow the next millisecond instead of repeating")
  void sequenceOverflow() {
    ManualClock clock = new ManualClock();
    Snowflake ids = new Snowflake(1, clock);
    long previous = 0;
    for (int i = 0; i < 10_000; i++) {
      long id = ids.next();
      assertThat(id).isGreaterThan(previous);
      previous = id;
    }
    assertThat(Snowflake.timestampOf(previous)).isEqualTo(clock.millis() + 2);
  }

  @Test
  @DisplayName("A clock that steps backwards never makes ids go backwards")
  void clockStepsBack() {
    ManualClock clock = new ManualClock();
    Snowflake ids = new Snowflake(1, clock);
    long before = ids.next();
    clock.advance(-5_000);
    assertThat(ids.next()).isGreaterThan(before);
  }

  @Test
  @DisplayName("Ids from many threads at once are all distinct")
  void uniqueUnderConcurrency() throws InterruptedException {
    Snowflake ids = new Snowflake(7, Clock.systemUTC());
    ConcurrentLinkedQueue<Long> seen = new ConcurrentLinkedQueue<>();
    AtomicLong outOfOrder = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        long last = 0;
        for (int i = 0; i < 20_000; i++) {
          long id = ids.next();
          if (id <= last) {
            outOfOrder.incrementAndGet(); // each thread must see its own ids rise
          }
          last = id;
          seen.add(id);
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    Set<Long> distinct = new HashSet<>(seen);
    assertThat(distinct).hasSize(8 * 20_000);
    assertThat(outOfOrder.get()).isZero();
  }

  @Test
  @DisplayName("Node ids outside 0..1023 are refused")
  void nodeRange() {
    assertThatThrownBy(() -> new Snowflake(1024, Clock.systemUTC())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Snowflake(-1, Clock.systemUTC())).isInstanceOf(IllegalArgumentException.class);
  }
}
