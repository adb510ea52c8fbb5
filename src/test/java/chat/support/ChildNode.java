package chat.support;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node in its own JVM (the test's classpath, {@code chat.Main}), so a test can kill it with
 * SIGKILL and start another on the same data dir.
 */
public final class ChildNode implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");
  private final Process process;
  public final int port;

  private final List<String> output;

  private ChildNode(Process process, int port, List<String> output) {
    this.process = process;
    this.port = port;
    this.output = output;
  }

  /** Every line the node has printed so far. */
  public List<String> output() {
    synchronized (output) {
      return List.copyOf(output);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public static ChildNode start(Path dataDir) throws Exception {
    return start(TestNode.config(dataDir), dataDir.getParent());
  }

  /** Starts a node with the given full config, written to a file in {@code workDir}. */
  public static ChildNode start(JsonObject config, Path workDir) throws Exception {
    return start(config, workDir, "256m");
  }

  /** Starts a node with the given full config and the given maximum heap ({@code -Xmx}), e.g. {@code "48m"}. */
  public static ChildNode start(JsonObject config, Path workDir, String maxHeap) throws Exception {
    Files.createDirectories(workDir);
    Path conf = Files.createTempFile(workDir, "node", ".json");
    Files.writeString(conf, config.encode(), StandardCharsets.UTF_8);
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process = new ProcessBuilder(List.of(java, "-Xmx" + maxHeap, "-Dvertx.cacheDirBase=target/vertx-cache",
        "-cp", System.getProperty("java.class.path"), "chat.Main", "-conf", conf.toString()))
        .redirectErrorStream(true)
        .start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    List<String> output = new ArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          System.out.println("[child " + process.pid() + "] " + line);
          synchronized (output) {
            output.add(line);
          }
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          }
        }
      } catch (IOException ignored) {
        // the process is gone
      }
      String tail;
      synchronized (output) {
        tail = String.join("\n", output.subList(Math.max(0, output.size() - 40), output.size()));
      }
      port.completeExceptionally(new IllegalStateException("child node exited before listening:\n" + tail));
    }, "child-node-output");
    reader.setDaemon(true);
    reader.start();
    try {
      return new ChildNode(process, port.get(120, TimeUnit.SECONDS), output);
    } catch (Exception e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** SIGKILL: no shutdown hook, no flush, no close. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
