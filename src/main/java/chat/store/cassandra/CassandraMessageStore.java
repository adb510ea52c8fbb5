package chat.store.cassandra;

import static chat.store.cassandra.Cql.bind;

import chat.async.KeyedSerializer;
import chat.async.Lru;
import chat.ids.Snowflake;
import chat.protocol.ConversationId;
import chat.store.ConversationSummary;
import chat.store.Message;
import chat.store.MessageStore;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * History and conversation lists in Cassandra.
 *
 * <p>Table {@code messages}: partition ({@code conversation_id}, {@code bucket}), clustering
 * {@code msg_id DESC}; columns sender_id, sender_device_id, client_id, kind, body, ts. The bucket is
 * {@code Snowflake.timestampOf(msg_id) / BUCKET_MS}, ten days of a conversation per partition
 * (Discord's layout): a busy conversation never grows one unbounded partition, and a page is a read
 * of the head of one or a few partitions.
 *
 * <p>Table {@code conversation_buckets}: key {@code conversation_id}; column buckets
 * ({@code set<int>}), every bucket that holds messages of the conversation. A page walks these
 * buckets downward from the bucket of {@code before} (from the newest when null) until it has
 * {@code limit} rows or the oldest bucket is read, so it never probes empty buckets, neither for
 * silent stretches nor before the first message. Adding a bucket is a blind, idempotent set add;
 * each process remembers the (conversation, bucket) pairs it added recently, so a message costs no
 * extra write after the first of its bucket.
 *
 * <p>Table {@code user_conversations}: partition {@code user_id}, clustering {@code conversation_id};
 * columns last_msg_id, unread. The list reads the user's whole partition, sorts by last_msg_id in
 * memory and joins each last message from {@code messages} (its bucket is known from its id).
 *
 * <p>append is a read-before-write: the message row is looked up and, when present, returned
 * unchanged. Then the bucket, then every participant's list row (read-modify-write: last_msg_id =
 * max, unread + 1 for everyone but the sender), and the message row last. The message row is the
 * commit mark: a crash before it leaves the message absent, so the retry (the message is not acked)
 * redoes the whole append; the only damage is that the retry counts the message unread twice. The
 * list may briefly point at a last_msg_id whose row is not written yet; the list then shows the
 * newest stored message of that conversation instead.
 *
 * <p>Read-modify-write is safe because each conversation has one writer: in the cluster the
 * conversation's Kafka partition has one owner, and within this process appends of one
 * conversation are chained here (one at a time, in call order).
 */
final class CassandraMessageStore implements MessageStore {
  /** Ten days per history partition. */
  static final long BUCKET_MS = 864_000_000L;
  private static final int BUCKET_CACHE_SIZE = 100_000;
  /** Rows read per page when a read receipt leaves an unread tail to count. */
  private static final int UNREAD_COUNT_PAGE = 100;
  static final List<String> SCHEMA = List.of("""
      CREATE TABLE IF NOT EXISTS $ks.messages (
        conversation_id text,
        bucket int,
        msg_id bigint,
        sender_id text,
        sender_device_id text,
        client_id text,
        kind text,
        body text,
        ts bigint,
        PRIMARY KEY ((conversation_id, bucket), msg_id)
      ) WITH CLUSTERING ORDER BY (msg_id DESC)""",
      "CREATE TABLE IF NOT EXISTS $ks.conversation_buckets (conversation_id text PRIMARY KEY, buckets set<int>)",
      """
      CREATE TABLE IF NOT EXISTS $ks.user_conversations (
        user_id text,
        conversation_id text,
        last_msg_id bigint,
        unread bigint,
        PRIMARY KEY (user_id, conversation_id)
      )""");

  private static final String COLUMNS = "msg_id, conversation_id, sender_id, sender_device_id, client_id, kind, body, ts";
  private final Cql cql;
  private final KeyedSerializer writers = new KeyedSerializer();
  /** "conversation bucket" pairs this process has added to conversation_buckets. */
  private final Lru<String, Boolean> knownBuckets = new Lru<>(BUCKET_CACHE_SIZE);
  private PreparedStatement insertMessage;
  private PreparedStatement findMessage;
  private PreparedStatement pageOfBucket;
  private PreparedStatement addBucket;
  private PreparedStatement findBuckets;
  private PreparedStatement findListRow;
  private PreparedStatement writeListRow;
  private PreparedStatement listOfUser;

  CassandraMessageStore(Cql cql) {
    this.cql = cql;
  }

  Future<Void> prepare() {
    return Future.all(List.of(
        cql.prepare("INSERT INTO $ks.messages (" + COLUMNS + ", bucket) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .onSuccess(ps -> insertMessage = ps),
        cql.prepare("SELECT " + COLUMNS + " FROM $ks.messages WHERE conversation_id = ? AND bucket = ? AND msg_id = ?")
            .onSuccess(ps -> findMessage = ps),
        cql.prepare("SELECT " + COLUMNS + " FROM $ks.messages WHERE conversation_id = ? AND bucket = ? "
            + "AND msg_id < ? LIMIT ?").onSuccess(ps -> pageOfBucket = ps),
        cql.prepare("UPDATE $ks.conversation_buckets SET buckets = buckets + ? WHERE conversation_id = ?")
            .onSuccess(ps -> addBucket = ps),
        cql.prepare("SELECT buckets FROM $ks.conversation_buckets WHERE conversation_id = ?")
            .onSuccess(ps -> findBuckets = ps),
        cql.prepare("SELECT last_msg_id, unread FROM $ks.user_conversations WHERE user_id = ? AND conversation_id = ?")
            .onSuccess(ps -> findListRow = ps),
        cql.prepare("INSERT INTO $ks.user_conversations (user_id, conversation_id, last_msg_id, unread) "
            + "VALUES (?, ?, ?, ?)").onSuccess(ps -> writeListRow = ps),
        cql.prepare("SELECT conversation_id, last_msg_id, unread FROM $ks.user_conversations WHERE user_id = ?")
            .onSuccess(ps -> listOfUser = ps))).mapEmpty();
  }

  static int bucketOf(long msgId) {
    return (int) (Snowflake.timestampOf(Math.max(msgId, 0)) / BUCKET_MS);
  }

  @Override
  public Future<Message> append(Message message, List<String> participants) {
    return writers.submit(message.conversationId(), () -> {
      int bucket = bucketOf(message.msgId());
      return cql.one(bind(findMessage, message.conversationId(), bucket, message.msgId())).compose(stored -> {
        if (stored != null) {
          return Future.succeededFuture(message(stored));
        }
        return recordBucket(message.conversationId(), bucket)
            .compose(v -> touchLists(message, participants))
            .compose(v -> cql.execute(bind(insertMessage, message.msgId(), message.conversationId(),
                message.senderId(), message.senderDeviceId(), message.clientId(), message.kind(), message.body(),
                message.ts(), bucket)))
            .map(message);
      });
    });
  }

  private Future<Void> recordBucket(String conversationId, int bucket) {
    String key = conversationId + " " + bucket;
    if (knownBuckets.get(key) != null) {
      return Future.succeededFuture();
    }
    return cql.execute(addBucket.boundStatementBuilder().setSet(0, Set.of(bucket), Integer.class)
        .setString(1, conversationId).build()).onSuccess(rs -> knownBuckets.put(key, true)).mapEmpty();
  }

  /** Every participant's list row: last_msg_id = max, unread + 1 per listing for all but the sender (none for system messages). */
  private Future<Void> touchLists(Message message, List<String> participants) {
    Map<String, Integer> listings = new LinkedHashMap<>();
    participants.forEach(p -> listings.merge(p, 1, Integer::sum));
    List<Future<?>> writes = new ArrayList<>(listings.size());
    listings.forEach((user, times) -> {
      long unreadAdded = Message.countsAsUnreadFor(message, user) ? times : 0;
      writes.add(cql.one(bind(findListRow, user, message.conversationId())).compose(row -> {
        long last = row == null ? message.msgId() : Math.max(row.getLong(0), message.msgId());
        long unread = (row == null ? 0 : row.getLong(1)) + unreadAdded;
        return cql.execute(bind(writeListRow, user, message.conversationId(), last, unread));
      }));
    });
    return Future.all(writes).mapEmpty();
  }

  @Override
  public Future<Optional<Message>> find(String conversationId, long msgId) {
    return cql.one(bind(findMessage, conversationId, bucketOf(msgId), msgId))
        .map(row -> Optional.ofNullable(row).map(CassandraMessageStore::message));
  }

  /** Chained with the conversation's appends (one writer per conversation), so the count cannot race one. */
  @Override
  public Future<Void> markRead(String userId, String conversationId, long upTo) {
    return writers.submit(conversationId, () -> cql.one(bind(findListRow, userId, conversationId)).compose(row -> {
      if (row == null) {
        return Future.<Void>succeededFuture();
      }
      long last = row.getLong(0);
      Future<Long> unread = last <= upTo ? Future.succeededFuture(0L)
          : countUnreadAfter(userId, conversationId, upTo, null, 0L);
      return unread.compose(count -> cql.execute(bind(writeListRow, userId, conversationId, last, count))).mapEmpty();
    }));
  }

  /** Counts messages from others newer than {@code upTo}, walking history back from {@code before}. */
  private Future<Long> countUnreadAfter(String userId, String conversationId, long upTo, Long before, long counted) {
    return page(conversationId, before, UNREAD_COUNT_PAGE).compose(page -> {
      long count = counted;
      for (Message m : page) {
        if (m.msgId() <= upTo) {
          return Future.succeededFuture(count);
        }
        if (Message.countsAsUnreadFor(m, userId)) {
          count++;
        }
      }
      return page.size() < UNREAD_COUNT_PAGE ? Future.succeededFuture(count)
          : countUnreadAfter(userId, conversationId, upTo, page.get(page.size() - 1).msgId(), count);
    });
  }

  @Override
  public Future<List<Message>> page(String conversationId, Long beforeMsgId, int limit) {
    if (limit <= 0) {
      return Future.succeededFuture(List.of());
    }
    return cql.one(bind(findBuckets, conversationId)).compose(row -> {
      Set<Integer> buckets = row == null ? Set.of() : row.getSet(0, Integer.class);
      int from = beforeMsgId == null ? Integer.MAX_VALUE : bucketOf(beforeMsgId);
      List<Integer> walk = buckets.stream().filter(b -> b <= from).sorted(Comparator.reverseOrder()).toList();
      return walk(conversationId, walk, 0, beforeMsgId == null ? Long.MAX_VALUE : beforeMsgId, limit,
          new ArrayList<>(limit));
    });
  }

  private Future<List<Message>> walk(String conversationId, List<Integer> buckets, int index, long before,
                                     int limit, List<Message> page) {
    if (page.size() >= limit || index >= buckets.size()) {
      return Future.succeededFuture(page);
    }
    return cql.all(bind(pageOfBucket, conversationId, buckets.get(index), before, limit - page.size()))
        .compose(rows -> {
          rows.forEach(row -> page.add(message(row)));
          return walk(conversationId, buckets, index + 1, before, limit, page);
        });
  }

  @Override
  public Future<List<ConversationSummary>> conversations(String userId, int limit) {
    if (limit <= 0) {
      return Future.succeededFuture(List.of());
    }
    return cql.all(bind(listOfUser, userId)).compose(rows -> {
      List<ListRow> recentFirst = rows.stream()
          .map(row -> new ListRow(row.getString(0), row.getLong(1), row.getLong(2)))
          .sorted(Comparator.comparingLong(ListRow::lastMsgId).reversed())
          .toList();
      return summaries(userId, recentFirst, 0, limit, new ArrayList<>());
    });
  }

  private record ListRow(String conversationId, long lastMsgId, long unread) {
  }

  /** Joins last messages for the next candidates, in rounds, until {@code limit} summaries or no candidates. */
  private Future<List<ConversationSummary>> summaries(String userId, List<ListRow> candidates, int from, int limit,
                                                      List<ConversationSummary> list) {
    int wanted = limit - list.size();
    if (wanted <= 0 || from >= candidates.size()) {
      return Future.succeededFuture(list);
    }
    List<ListRow> round = candidates.subList(from, Math.min(candidates.size(), from + wanted));
    List<Future<Message>> lasts = round.stream().map(this::lastMessage).toList();
    return Future.all(lasts).compose(v -> {
      for (int i = 0; i < round.size(); i++) {
        Message last = lasts.get(i).result();
        if (last != null) {
          ConversationId id = ConversationId.parse(last.conversationId());
          list.add(new ConversationSummary(id.value(), id.isDirect() ? "direct" : "group",
              id.isDirect() ? id.peerOf(userId) : null, last, round.get(i).unread()));
        }
      }
      return summaries(userId, candidates, from + round.size(), limit, list);
    });
  }

  /** The row's last message; while its write is still in flight, the newest stored one; null when none. */
  private Future<Message> lastMessage(ListRow row) {
    return cql.one(bind(findMessage, row.conversationId(), bucketOf(row.lastMsgId()), row.lastMsgId()))
        .compose(stored -> stored != null ? Future.succeededFuture(message(stored))
            : page(row.conversationId(), null, 1).map(page -> page.isEmpty() ? null : page.get(0)));
  }

  private static Message message(Row row) {
    return new Message(row.getLong(0), row.getString(1), row.getString(2), row.getString(3), row.getString(4),
        row.getString(5), row.getString(6), row.getLong(7));
  }
}
