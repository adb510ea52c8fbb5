package chat.groups;

import static org.assertj.core.api.Assertions.assertThat;

import chat.delivery.LiveDelivery;
import chat.delivery.LocalSessionDirectory;
import chat.ids.Snowflake;
import chat.pipeline.DirectPipeline;
import chat.pipeline.MessagePipeline;
import chat.store.Account;
import chat.store.Group;
import chat.store.InboxEvent;
import chat.store.Message;
import chat.store.Receipt;
import chat.store.sqlite.SqliteStores;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class GroupServiceTest {
  @TempDir
  Path dataDir;
  private SqliteStores stores;
  private MembershipCache cache;

  @BeforeEach
  void open(Vertx vertx, VertxTestContext ctx) {
    stores = new SqliteStores(vertx, dataDir, 1, 64, 4000);
    cache = new MembershipCache(vertx, stores.groups(), 100);
    stores.open().compose(v -> cache.open())
        .compose(v -> Future.all(List.of("alice", "bob", "carol", "dave").stream()
            .map(user -> stores.accounts().create(new Account(user, user, user, "-", 0))).toList()))
        .onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void close(VertxTestContext ctx) {
    cache.close().compose(v -> stores.close()).onComplete(ctx.succeedingThenComplete());
  }

  /**
   * The real embedded pipeline, except that the announcement of an addition waits until released:
   * the fan-out of a change lagging behind the next change stored, as a busy cluster's fan-out may.
   */
  private static final class AdditionHeld implements MessagePipeline {
    private final MessagePipeline pipeline;
    private final Promise<Void> held = Promise.promise();
    private final Promise<Void> release = Promise.promise();

    AdditionHeld(MessagePipeline pipeline) {
      this.pipeline = pipeline;
    }

    @Override
    public Future<Void> announce(Message message, List<String> recipients) {
      if ("members.added".equals(new JsonObject(message.body()).getString("type"))) {
        held.complete();
        return release.future().compose(v -> pipeline.announce(message, recipients));
      }
      return pipeline.announce(message, recipients);
    }

    @Override
    public Future<Void> submitReceipt(Receipt receipt) {
      return pipeline.submitReceipt(receipt);
    }
  }

  private Future<List<String>> eventTypes(String userId) {
    return stores.inbox().after(userId, 0, 100).map(events -> events.stream().map(InboxEvent::payload)
        .map(JsonObject::new).map(frame -> frame.getJsonObject("event").getString("type")).toList());
  }

  @Test
  @DisplayName("A change's system message reaches the members of that change, though a later change is stored before its fan-out")
  void announcementKeepsItsRecipients(Vertx vertx, VertxTestContext ctx) {
    DirectPipeline direct = new DirectPipeline(stores, stores.claimedAppends(), new Recipients(cache),
        new LiveDelivery(vertx.eventBus(), new LocalSessionDirectory()));
    AdditionHeld pipeline = new AdditionHeld(direct);
    GroupService service = new GroupService(stores.groups(), cache, stores.accounts(), pipeline,
        new Snowflake(1, Clock.systemUTC()), new GroupService.Settings(16, 64, 100));
    service.create("alice", "team", List.of("bob")).compose(group -> {
      Future<Group> added = service.addMembers("alice", group.groupId(), List.of("carol")); // its announcement is held
      return pipeline.held.future()
          .compose(v -> service.removeMember("alice", group.groupId(), "carol"))
          .compose(v -> {
            pipeline.release.complete();
            return added;
          });
    }).compose(v -> Future.all(eventTypes("alice"), eventTypes("carol")))
        .onComplete(ctx.succeeding(types -> ctx.verify(() -> {
          assertThat(types.<List<String>>resultAt(0)).containsExactlyInAnyOrder("group.created", "members.added",
              "member.removed");
          assertThat(types.<List<String>>resultAt(1)).containsExactlyInAnyOrder("members.added", "member.removed");
          ctx.completeNow();
        })));
  }
}
