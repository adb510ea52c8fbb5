package chat.bench;

import chat.ids.Snowflake;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/** Minting msgIds: one generator per node, shared by every router call (it is synchronized). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SnowflakeBenchmark {
  private final Snowflake ids = new Snowflake(1, Clock.systemUTC());

  @Benchmark
  public long oneThread() {
    return ids.next();
  }

  @Benchmark
  @Threads(2)
  public long twoThreadsContending() {
    return ids.next();
  }
}
