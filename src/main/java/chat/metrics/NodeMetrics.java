package chat.metrics;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one node exposes at {@code GET /metrics}, in Prometheus's text format: its open sessions,
 * its resident memory and open files (Linux {@code /proc/self}), and its JVM heap. One instance per
 * node, shared by its gateway instances. A scrape reads {@code /proc} off the event loop: listing
 * 19,000 open descriptors takes milliseconds.
 */
public final class NodeMetrics {
  private static final Path PROC_STATUS = Path.of("/proc/self/status");
  private static final Path PROC_FDS = Path.of("/proc/self/fd");
  private final LongAdder sessionsOpen = new LongAdder();
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

  /** An authenticated session started on this node. */
  public void sessionOpened() {
    sessionsOpen.increment();
  }

  public void sessionClosed() {
    sessionsOpen.decrement();
  }

  public long sessionsOpen() {
    return sessionsOpen.sum();
  }

  /** The exposition text; gauges this platform cannot read (no {@code /proc}) are left out. */
  public Future<String> scrape(Vertx vertx) {
    return vertx.executeBlocking(this::render, false);
  }

  String render() {
    StringBuilder out = new StringBuilder(1024);
    gauge(out, "chat_sessions_open", "Authenticated client sessions (WebSocket and SockJS) on this node.",
        sessionsOpen.sum());
    long rssKiB = residentKiB(PROC_STATUS);
    if (rssKiB >= 0) {
      gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes (VmRSS).", rssKiB * 1024);
    }
    long fds = openFiles();
    if (fds >= 0) {
      gauge(out, "process_open_fds", "Open file descriptors, sockets included.", fds);
    }
    gauge(out, "jvm_memory_heap_used_bytes", "Java heap in use, garbage included until the next collection.",
        memory.getHeapMemoryUsage().getUsed());
    gauge(out, "jvm_memory_heap_committed_bytes", "Java heap committed by the JVM.",
        memory.getHeapMemoryUsage().getCommitted());
    return out.toString();
  }

  private static void gauge(StringBuilder out, String name, String help, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(" gauge\n")
        .append(name).append(' ').append(value).append('\n');
  }

  /**
   * VmRSS from a {@code /proc/<pid>/status} file, in KiB (the kernel always reports it in kB); -1
   * where there is none. The load tool reads a server's with it too.
   */
  public static long residentKiB(Path status) {
    try {
      for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static long openFiles() {
    long count = 0;
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC_FDS)) {
      for (Path ignored : fds) {
        count++;
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return count;
  }
}
