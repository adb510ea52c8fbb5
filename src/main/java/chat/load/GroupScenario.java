package chat.load;

import chat.load.WireClient.Account;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code group}: one group of M members, all online, K of them sending. Reports the latency until
 * the <em>last</em> other member has a message (what a group send costs), each member's delivery
 * latency, and the ack latency. Groups come with {@code POST /api/v1/groups} (issue 4).
 */
public final class GroupScenario implements Scenario {
  static final String FULLY_DELIVERED = "fully delivered";
  static final String DELIVERIES = "deliveries";
  static final String LAST_MEMBER = "last member";
  static final String EACH_MEMBER = "each member";

  private final Vertx vertx;
  private final WireClient client;
  private final int members;
  private final int senderCount;
  private final LoadShape shape;
  private final List<LoadSocket> sockets = new ArrayList<>();
  /** Messages not yet at every other member: key of the client id → members still to receive it. */
  private final Map<String, AtomicInteger> outstanding = new ConcurrentHashMap<>();
  private String conversationId;
  private SendLoop loop;

  public GroupScenario(Vertx vertx, WireClient client, Params params) {
    this.vertx = vertx;
    this.client = client;
    this.members = params.integer("members", 1000);
    this.senderCount = params.integer("senders", 1);
    this.shape = LoadShape.from(params, 1, 1_000_000);
    if (members < 2 || senderCount < 1 || senderCount > members) {
      throw new IllegalArgumentException("need --members >= 2 and 1 <= --senders <= --members");
    }
  }

  @Override
  public String description() {
    return String.format(Locale.ROOT, "group, %s: %,d members online, %d sender(s), %d-character bodies",
        shape.describe(), members, senderCount, shape.size());
  }

  @Override
  public List<String> latencies() {
    return shape.latencies(LAST_MEMBER, EACH_MEMBER, ACK);
  }

  @Override
  public List<String> counters() {
    return List.of(FULLY_DELIVERED, DELIVERIES, SENT, ERRORS, SKIPPED);
  }

  @Override
  public Future<Void> prepare() {
    return client.newAccounts(members, 16).compose(accounts -> {
      Account creator = accounts.get(0);
      List<String> others = accounts.subList(1, accounts.size()).stream().map(Account::userId).toList();
      return client.createGroup(creator, "load " + members, others)
          .compose(group -> {
            conversationId = group.getString("conversationId");
            return client.connectAll(accounts, 64);
          })
          .map(opened -> {
            sockets.addAll(opened);
            return null;
          });
    });
  }

  @Override
  public Future<Void> run(Measurement m) {
    LatencyMetric lastMember = m.latency(LAST_MEMBER);
    LatencyMetric eachMember = m.latency(EACH_MEMBER);
    LatencyMetric ack = m.latency(ACK);
    var fullyDelivered = m.counter(FULLY_DELIVERED);
    var deliveries = m.counter(DELIVERIES);
    var errors = m.counter(ERRORS);
    int receivers = members - 1; // the sending session gets its ack, not the message
    loop = shape.loop(vertx, senderCount, 100, (slot, message, start) -> {
      String id = Stamp.id(slot, message, start);
      outstanding.put(Stamp.keyOfId(id), new AtomicInteger(receivers));
      sockets.get(slot).send(new JsonObject().put("type", "send").put("id", id).put("conversation", conversationId)
          .put("kind", "text").put("body", Stamp.body(id, shape.size())));
    }, m, SENT, SKIPPED);
    for (int i = 0; i < members; i++) {
      int slot = i;
      sockets.get(i).onFrame(frame -> {
        switch (String.valueOf(frame.getString("type"))) {
          case "message" -> {
            long now = System.nanoTime();
            String id = Stamp.idOfBody(frame.getString("body"));
            long start = Stamp.startOfId(id);
            eachMember.record(start, now);
            deliveries.increment();
            AtomicInteger left = outstanding.get(Stamp.keyOfId(id));
            if (left != null && left.decrementAndGet() == 0) {
              outstanding.remove(Stamp.keyOfId(id));
              lastMember.record(start, now);
              fullyDelivered.increment();
            }
          }
          case "ack" -> {
            ack.record(Stamp.startOfId(frame.getString("id")), System.nanoTime());
            loop.completed(slot);
          }
          case "error" -> {
            errors.increment();
            if (frame.getString("ref") != null) {
              outstanding.remove(Stamp.keyOfId(frame.getString("ref")));
              loop.completed(slot);
            }
          }
          default -> { }
        }
      });
    }
    // acks come before the last pushes: wait (bounded) for the messages still on their way to members
    return loop.run(m, shape.warmup(), shape.duration(), shape.drain())
        .compose(v -> Waits.until(vertx, outstanding::isEmpty, shape.drain()));
  }

  @Override
  public Map<String, Object> figures() {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("conversation", conversationId);
    figures.put("not at every member", outstanding.size());
    return figures;
  }

  @Override
  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    sockets.forEach(s -> closing.add(s.close()));
    return Future.join(closing).mapEmpty();
  }
}
