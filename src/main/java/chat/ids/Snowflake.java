package chat.ids;

import java.time.Clock;

/**
 * 64-bit, time-ordered ids, unique across nodes: 41 bits of milliseconds since {@link #EPOCH_MS},
 * 10 bits of node id, 12 bits of per-millisecond sequence (4,096 ids per ms per node).
 *
 * <p>Ids never go backwards on one node: if the clock steps back, the generator keeps issuing ids
 * from the last timestamp it used (borrowing from the future) rather than repeating or reordering.
 */
public final class Snowflake {
  /** 2024-01-01T00:00:00Z: 41 bits of milliseconds from here last until 2093. */
  public static final long EPOCH_MS = 1_704_067_200_000L;
  public static final int NODE_BITS = 10;
  public static final int SEQUENCE_BITS = 12;
  public static final int MAX_NODE_ID = (1 << NODE_BITS) - 1;
  private static final long SEQUENCE_MASK = (1L << SEQUENCE_BITS) - 1;

  private final Clock clock;
  private final long nodeBits;
  private long lastMs = -1;
  private long sequence;

  public Snowflake(int nodeId, Clock clock) {
    if (nodeId < 0 || nodeId > MAX_NODE_ID) {
      throw new IllegalArgumentException("node id must be 0.." + MAX_NODE_ID + ", got " + nodeId);
    }
    this.clock = clock;
    this.nodeBits = (long) nodeId << SEQUENCE_BITS;
  }

  public synchronized long next() {
    long now = Math.max(clock.millis() - EPOCH_MS, lastMs);
    if (now == lastMs) {
      sequence = (sequence + 1) & SEQUENCE_MASK;
      if (sequence == 0) {
        now = lastMs + 1; // this millisecond is used up: take the next one
      }
    } else {
      sequence = 0;
    }
    lastMs = now;
    return (now << (NODE_BITS + SEQUENCE_BITS)) | nodeBits | sequence;
  }

  /** The wall-clock millisecond an id was minted at. */
  public static long timestampOf(long id) {
    return (id >>> (NODE_BITS + SEQUENCE_BITS)) + EPOCH_MS;
  }

  public static int nodeOf(long id) {
    return (int) ((id >>> SEQUENCE_BITS) & MAX_NODE_ID);
  }
}
