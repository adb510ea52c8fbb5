package chat.store;

import static org.assertj.core.api.Assertions.assertThat;

import chat.protocol.ConversationId;
import chat.store.Group.Member;
import chat.store.Group.Role;
import io.vertx.core.CompositeFuture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The behaviour every storage engine must show through the {@link Stores} ports. An engine's test
 * extends this class and says how to make its stores; every case then runs against that engine.
 */
@ExtendWith(VertxExtension.class)
public abstract class StoreContract {
  private static final long NOW = 1_700_000_000_000L;
  private static final long HOUR = 3_600_000L;
  private static final String ALICE = "alice";
  private static final String BOB = "bob";
  private static final String CAROL = "carol";
  private static final String ALICE_BOB = ConversationId.direct(ALICE, BOB).value();
  private static final String ALICE_CAROL = ConversationId.direct(ALICE, CAROL).value();

  /** The stores under test: opened before each case, closed after it. */
  private volatile Stores stores;

  /** New, not yet opened stores on fresh, empty storage. */
  protected abstract Stores newStores(Vertx vertx) throws Exception;

  /** New, not yet opened stores on the same storage as the last {@link #newStores} call (a restart). */
  protected abstract Stores reopen(Vertx vertx) throws Exception;

  @BeforeEach
  void openStores(Vertx vertx) throws Exception {
    Stores fresh = newStores(vertx);
    block(fresh.open());
    stores = fresh;
  }

  @AfterEach
  void closeStores() throws Exception {
    Stores open = stores;
    stores = null;
    if (open != null) {
      block(open.close());
    }
  }

  // --- accounts ---

  @Test
  @DisplayName("A created account can be found by its id and by its username")
  void createdAccountIsFound(VertxTestContext testContext) {
    Account alice = account(ALICE, "alice.w");
    verifyThat(testContext, stores.accounts().create(alice)
        .compose(created -> Future.all(Future.succeededFuture(created),
            stores.accounts().byId(ALICE), stores.accounts().byUsername("alice.w")))
        .map(all -> all.<Object>list()), found ->
        assertThat(found).containsExactly(alice, Optional.of(alice), Optional.of(alice)));
  }

  @Test
  @DisplayName("A second account with a taken username fails with a duplicate key error and is not stored")
  void takenUsernameIsRejected(VertxTestContext testContext) {
    record Outcome(Throwable error, Optional<Account> second) {
    }
    AccountStore accounts = stores.accounts();
    verifyThat(testContext, accounts.create(account(ALICE, "sam"))
        .compose(v -> accounts.create(account(BOB, "sam")))
        .transform((created, error) -> accounts.byId(BOB).map(second -> new Outcome(error, second))),
        outcome -> {
          assertThat(outcome.error()).isInstanceOf(DuplicateKeyException.class);
          assertThat(outcome.second()).isEmpty();
        });
  }

  @Test
  @DisplayName("Looking up an unknown user id or username gives an empty result")
  void unknownAccountIsEmpty(VertxTestContext testContext) {
    verifyThat(testContext, stores.accounts().create(account(ALICE, "alice.w"))
        .compose(v -> Future.all(stores.accounts().byId("nobody"), stores.accounts().byUsername("nobody"))),
        found -> assertThat(found.<Optional<Account>>list()).containsExactly(Optional.empty(), Optional.empty()));
  }

  // --- refresh tokens ---

  @Test
  @DisplayName("A saved refresh token redeems once and comes back with all its fields")
  void savedTokenRedeems(VertxTestContext testContext) {
    RefreshToken token = token("h1", "f1", NOW + HOUR);
    verifyThat(testContext, stores.refreshTokens().save(token)
        .compose(v -> stores.refreshTokens().redeem("h1", NOW)),
        redemption -> assertThat(redemption).isEqualTo(new Redemption.Redeemed(token)));
  }

  @Test
  @DisplayName("Redeeming a spent token reports reuse and revokes its family, so an unused sibling is refused too")
  void reusedTokenRevokesFamily(VertxTestContext testContext) {
    RefreshTokenStore tokens = stores.refreshTokens();
    verifyThat(testContext, tokens.save(token("h1", "f1", NOW + HOUR))
        .compose(v -> tokens.save(token("h2", "f1", NOW + HOUR)))
        .compose(v -> redeemInOrder("h1", "h1", "h2")),
        results -> assertThat(results).containsExactly(new Redemption.Redeemed(token("h1", "f1", NOW + HOUR)),
            new Redemption.Reused("f1"), new Redemption.Reused("f1")));
  }

  @Test
  @DisplayName("An expired refresh token is invalid")
  void expiredTokenIsInvalid(VertxTestContext testContext) {
    verifyThat(testContext, stores.refreshTokens().save(token("h1", "f1", NOW - 1))
        .compose(v -> stores.refreshTokens().redeem("h1", NOW)),
        redemption -> assertThat(redemption).isInstanceOf(Redemption.Invalid.class));
  }

  @Test
  @DisplayName("An unknown refresh token hash is invalid")
  void unknownTokenIsInvalid(VertxTestContext testContext) {
    verifyThat(testContext, stores.refreshTokens().redeem("never-saved", NOW),
        redemption -> assertThat(redemption).isInstanceOf(Redemption.Invalid.class));
  }

  @Test
  @DisplayName("Revoking a token's family makes its live tokens report reuse and leaves other families alone")
  void revokedFamilyIsRefused(VertxTestContext testContext) {
    RefreshTokenStore tokens = stores.refreshTokens();
    verifyThat(testContext, tokens.save(token("h1", "f1", NOW + HOUR))
        .compose(v -> tokens.save(token("h2", "f1", NOW + HOUR)))
        .compose(v -> tokens.save(token("other", "f2", NOW + HOUR)))
        .compose(v -> tokens.revokeFamilyOf("never-saved"))
        .compose(v -> tokens.revokeFamilyOf("h1"))
        .compose(v -> redeemInOrder("h2", "other")),
        results -> assertThat(results).containsExactly(new Redemption.Reused("f1"),
            new Redemption.Redeemed(token("other", "f2", NOW + HOUR))));
  }

  // --- idempotency ---

  @Test
  @DisplayName("The first claim of a client id wins and later claims of it get the first message id")
  void firstClaimWins(VertxTestContext testContext) {
    IdempotencyStore keys = stores.idempotency();
    verifyThat(testContext, keys.claim(ALICE, "c1", 100)
        .compose(first -> keys.claim(ALICE, "c1", 200).map(second -> List.of(first, second))),
        claims -> assertThat(claims).containsExactly(100L, 100L));
  }

  @Test
  @DisplayName("The same client id from a different sender is claimed independently")
  void claimsArePerSender(VertxTestContext testContext) {
    IdempotencyStore keys = stores.idempotency();
    verifyThat(testContext, keys.claim(ALICE, "c1", 100)
        .compose(v -> keys.claim(BOB, "c1", 300)),
        claimed -> assertThat(claimed).isEqualTo(300L));
  }

  // --- messages ---

  @Test
  @DisplayName("A page of history returns the appended messages newest first")
  void pageIsNewestFirst(VertxTestContext testContext) {
    List<Message> sent = List.of(message(ALICE_BOB, 1, ALICE, "hi"), message(ALICE_BOB, 2, BOB, "hello"),
        message(ALICE_BOB, 3, ALICE, "how are you?"));
    verifyThat(testContext, appendInOrder(sent).compose(v -> stores.messages().page(ALICE_BOB, null, 10)),
        page -> assertThat(page).containsExactly(sent.get(2), sent.get(1), sent.get(0)));
  }

  @Test
  @DisplayName("Paging back with the before cursor walks 120 messages in pages of 50, 50 and 20 without gap or overlap")
  void cursorWalksAllHistory(VertxTestContext testContext) {
    List<Future<Message>> appends = LongStream.rangeClosed(1, 120)
        .mapToObj(id -> stores.messages().append(message(ALICE_BOB, id, ALICE, "m" + id), List.of(ALICE, BOB)))
        .toList();
    List<List<Message>> pages = new ArrayList<>();
    verifyThat(testContext, Future.all(appends)
        .compose(v -> nextPage(null, pages))
        .compose(cursor -> nextPage(cursor, pages))
        .compose(cursor -> nextPage(cursor, pages))
        .compose(cursor -> nextPage(cursor, pages)), v -> {
          assertThat(pages).extracting(List::size).containsExactly(50, 50, 20, 0);
          assertThat(pages.stream().flatMap(List::stream).map(Message::msgId))
              .containsExactlyElementsOf(LongStream.iterate(120, id -> id >= 1, id -> id - 1).boxed().toList());
        });
  }

  /** Reads the page of 50 before {@code cursor}, adds it to {@code pages} and gives the next cursor. */
  private Future<Long> nextPage(Long cursor, List<List<Message>> pages) {
    return stores.messages().page(ALICE_BOB, cursor, 50).map(page -> {
      pages.add(page);
      return page.isEmpty() ? cursor : page.get(page.size() - 1).msgId();
    });
  }

  @Test
  @DisplayName("Appending the same message id twice stores it once and returns the first stored copy")
  void appendIsIdempotent(VertxTestContext testContext) {
    Message first = message(ALICE_BOB, 7, ALICE, "first");
    Message retry = message(ALICE_BOB, 7, ALICE, "second");
    MessageStore messages = stores.messages();
    verifyThat(testContext, messages.append(first, List.of(ALICE, BOB))
        .compose(v -> messages.append(retry, List.of(ALICE, BOB)))
        .compose(returned -> Future.all(Future.succeededFuture(returned), messages.page(ALICE_BOB, null, 10),
            messages.conversations(BOB, 10))), all -> {
          assertThat((Message) all.resultAt(0)).isEqualTo(first);
          assertThat(all.<List<Message>>resultAt(1)).containsExactly(first);
          assertThat(all.<List<ConversationSummary>>resultAt(2)).extracting(ConversationSummary::unread)
              .containsExactly(1L);
        });
  }

  @Test
  @DisplayName("A page of a conversation that has no messages is empty")
  void unknownConversationIsEmpty(VertxTestContext testContext) {
    verifyThat(testContext, stores.messages().append(message(ALICE_BOB, 1, ALICE, "hi"), List.of(ALICE, BOB))
        .compose(v -> stores.messages().page(ALICE_CAROL, null, 10)),
        page -> assertThat(page).isEmpty());
  }

  @Test
  @DisplayName("The conversation list shows the last message, the peer, the kind, and unread messages from the other participant only")
  void conversationListSummarises(VertxTestContext testContext) {
    Message last = message(ALICE_BOB, 2, ALICE, "are you there?");
    MessageStore messages = stores.messages();
    verifyThat(testContext, appendInOrder(List.of(message(ALICE_BOB, 1, ALICE, "hi"), last))
        .compose(v -> Future.all(messages.conversations(ALICE, 10), messages.conversations(BOB, 10),
            messages.conversations(CAROL, 10))), all -> {
          assertThat(all.<List<ConversationSummary>>resultAt(0))
              .containsExactly(new ConversationSummary(ALICE_BOB, "direct", BOB, last, 0));
          assertThat(all.<List<ConversationSummary>>resultAt(1))
              .containsExactly(new ConversationSummary(ALICE_BOB, "direct", ALICE, last, 2));
          assertThat(all.<List<ConversationSummary>>resultAt(2)).isEmpty();
        });
  }

  @Test
  @DisplayName("The conversation list puts the most recently active conversation first and honours the limit")
  void conversationListIsMostRecentFirst(VertxTestContext testContext) {
    MessageStore messages = stores.messages();
    List<List<String>> lists = new ArrayList<>();
    verifyThat(testContext, appendInOrder(List.of(message(ALICE_BOB, 1, ALICE, "to bob"),
            message(ALICE_CAROL, 2, ALICE, "to carol")))
        .compose(v -> messages.conversations(ALICE, 10)).map(list -> lists.add(conversationIds(list)))
        .compose(v -> messages.conversations(ALICE, 1)).map(list -> lists.add(conversationIds(list)))
        .compose(v -> appendInOrder(List.of(message(ALICE_BOB, 3, BOB, "back to alice"))))
        .compose(v -> messages.conversations(ALICE, 10)).map(list -> lists.add(conversationIds(list)))
        .compose(v -> messages.conversations(ALICE, 1)).map(list -> lists.add(conversationIds(list))),
        v -> assertThat(lists).containsExactly(List.of(ALICE_CAROL, ALICE_BOB), List.of(ALICE_CAROL),
            List.of(ALICE_BOB, ALICE_CAROL), List.of(ALICE_BOB)));
  }

  // --- groups ---

  @Test
  @DisplayName("A created group is found whole: title, version, creation time and members with roles in joining order")
  void groupRoundTrip(VertxTestContext testContext) {
    Group group = group("100", 1, List.of(new Member(ALICE, Role.OWNER, 7), new Member(BOB, Role.MEMBER, 7)));
    verifyThat(testContext, stores.groups().create(group).compose(v -> stores.groups().find("100")),
        found -> assertThat(found).contains(group));
  }

  @Test
  @DisplayName("Creating a group with a taken id fails with a duplicate key error and keeps the first")
  void groupIdTaken(VertxTestContext testContext) {
    Group first = group("101", 1, List.of(new Member(ALICE, Role.OWNER, 7)));
    Group second = group("101", 1, List.of(new Member(BOB, Role.OWNER, 8)));
    verifyThat(testContext, stores.groups().create(first)
        .compose(v -> stores.groups().create(second).transform(ar -> Future.succeededFuture(ar.cause())))
        .compose(failure -> stores.groups().find("101").map(found -> Map.entry(failure, found))), result -> {
          assertThat(result.getKey()).isInstanceOf(DuplicateKeyException.class);
          assertThat(result.getValue()).contains(first);
        });
  }

  @Test
  @DisplayName("An unknown group id finds nothing")
  void unknownGroup(VertxTestContext testContext) {
    verifyThat(testContext, stores.groups().find("404"), found -> assertThat(found).isEmpty());
  }

  @Test
  @DisplayName("A replace applies over the version it was computed from, and a second replace from that version is refused")
  void groupReplaceIsCompareAndSet(VertxTestContext testContext) {
    Group v1 = group("102", 1, List.of(new Member(ALICE, Role.OWNER, 7)));
    Group renamed = v1.next("renamed", v1.members());
    Group racing = v1.next("racing", List.of(new Member(ALICE, Role.OWNER, 7), new Member(CAROL, Role.MEMBER, 9)));
    verifyThat(testContext, stores.groups().create(v1)
        .compose(v -> stores.groups().replace(renamed))
        .compose(first -> stores.groups().replace(racing).map(second -> List.of(first, second)))
        .compose(applied -> stores.groups().find("102").map(found -> Map.entry(applied, found))), result -> {
          assertThat(result.getKey()).containsExactly(true, false);
          assertThat(result.getValue()).contains(renamed);
        });
  }

  @Test
  @DisplayName("Replacing a group that does not exist changes nothing")
  void replaceUnknownGroup(VertxTestContext testContext) {
    Group ghost = group("103", 2, List.of(new Member(ALICE, Role.OWNER, 7)));
    verifyThat(testContext, stores.groups().replace(ghost)
        .compose(applied -> stores.groups().find("103").map(found -> Map.entry(applied, found))), result -> {
          assertThat(result.getKey()).isFalse();
          assertThat(result.getValue()).isEmpty();
        });
  }

  @Test
  @DisplayName("A group's system message is listed for every member but counts as unread for nobody")
  void systemMessagesAreNotUnread(VertxTestContext testContext) {
    String conversation = "g:104";
    Message system = new Message(1, conversation, ALICE, null, null, Message.SYSTEM_KIND,
        "{\"type\":\"group.created\"}", NOW);
    Message text = message(conversation, 2, ALICE, "hello group");
    MessageStore messages = stores.messages();
    verifyThat(testContext, messages.append(system, List.of(ALICE, BOB, CAROL))
        .compose(v -> messages.append(text, List.of(ALICE, BOB, CAROL)))
        .compose(v -> Future.all(messages.conversations(BOB, 10), messages.page(conversation, null, 10))), all -> {
          assertThat(all.<List<ConversationSummary>>resultAt(0))
              .containsExactly(new ConversationSummary(conversation, "group", null, text, 1));
          assertThat(all.<List<Message>>resultAt(1)).containsExactly(text, system);
        });
  }

  // --- receipts ---

  @Test
  @DisplayName("Receipt watermarks only move forward, read moves delivered too, and unknown readers have none")
  void receiptWatermarks(VertxTestContext testContext) {
    ReceiptStore receipts = stores.receipts();
    verifyThat(testContext, receipts.advance(new Receipt(ALICE_BOB, BOB, Receipt.Status.DELIVERED, 20, 1))
        .compose(v -> receipts.advance(new Receipt(ALICE_BOB, BOB, Receipt.Status.DELIVERED, 10, 2)))
        .compose(v -> receipts.advance(new Receipt(ALICE_BOB, BOB, Receipt.Status.READ, 15, 3)))
        .compose(v -> receipts.advance(new Receipt(ALICE_BOB, ALICE, Receipt.Status.READ, 30, 4)))
        .compose(v -> receipts.advance(new Receipt(ALICE_BOB, ALICE, Receipt.Status.READ, 25, 5)))
        .compose(v -> Future.all(receipts.of(ALICE_BOB, BOB), receipts.of(ALICE_BOB, CAROL), receipts.all(ALICE_BOB))),
        all -> {
          assertThat(all.<ReceiptStore.Watermarks>resultAt(0)).isEqualTo(new ReceiptStore.Watermarks(BOB, 20L, 15L));
          assertThat(all.<ReceiptStore.Watermarks>resultAt(1)).isEqualTo(new ReceiptStore.Watermarks(CAROL, null, null));
          assertThat(all.<List<ReceiptStore.Watermarks>>resultAt(2)).containsExactlyInAnyOrder(
              new ReceiptStore.Watermarks(BOB, 20L, 15L), new ReceiptStore.Watermarks(ALICE, 30L, 30L));
        });
  }

  @Test
  @DisplayName("Marking read sets the reader's unread count to the messages from others after the watermark")
  void markRead(VertxTestContext testContext) {
    MessageStore messages = stores.messages();
    verifyThat(testContext, appendInOrder(List.of(message(ALICE_BOB, 1, ALICE, "a"), message(ALICE_BOB, 2, BOB, "b"),
            message(ALICE_BOB, 3, ALICE, "c"), message(ALICE_BOB, 4, ALICE, "d")))
        .compose(v -> messages.markRead(BOB, ALICE_BOB, 1))
        .compose(v -> messages.conversations(BOB, 10)).map(list -> list.get(0).unread())
        .compose(afterFirst -> messages.markRead(BOB, ALICE_BOB, 4).compose(v -> messages.conversations(BOB, 10))
            .map(list -> List.of(afterFirst, list.get(0).unread())))
        .compose(unread -> messages.find(ALICE_BOB, 2).compose(found -> messages.find(ALICE_BOB, 99)
            .map(missing -> Map.entry(unread, List.of(found, missing))))), result -> {
          assertThat(result.getKey()).containsExactly(2L, 0L);
          assertThat(result.getValue().get(0)).contains(message(ALICE_BOB, 2, BOB, "b"));
          assertThat(result.getValue().get(1)).isEmpty();
        });
  }

  // --- media ---

  @Test
  @DisplayName("Stored media metadata is found whole, with and without a thumbnail, and an unknown id finds nothing")
  void mediaRoundTrip(VertxTestContext testContext) {
    Media photo = media("m-photo", ALICE, 1_000, NOW, new Media.Thumbnail("c".repeat(64), 320, 240, 9_876));
    Media file = new Media("m-file", ALICE, "application/octet-stream", 5, "d".repeat(64), null, null, null, null,
        NOW);
    MediaStore store = stores.media();
    verifyThat(testContext, store.create(photo).compose(v -> store.create(file))
        .compose(v -> Future.all(store.find("m-photo"), store.find("m-file"), store.find("m-none"))),
        found -> assertThat(found.<Optional<Media>>list())
            .containsExactly(Optional.of(photo), Optional.of(file), Optional.empty()));
  }

  @Test
  @DisplayName("The daily upload total sums one owner's sizes on one UTC day only")
  void mediaDailyTotal(VertxTestContext testContext) {
    long day = Media.epochDay(NOW);
    long nextDay = (day + 1) * 86_400_000L;
    MediaStore store = stores.media();
    verifyThat(testContext, store.create(media("m1", ALICE, 100, NOW, null))
        .compose(v -> store.create(media("m2", ALICE, 250, NOW + 1, null)))
        .compose(v -> store.create(media("m3", ALICE, 7, nextDay, null)))
        .compose(v -> store.create(media("m4", BOB, 1_000, NOW, null)))
        .compose(v -> Future.all(store.bytesUploaded(ALICE, day), store.bytesUploaded(ALICE, day + 1),
            store.bytesUploaded(BOB, day), store.bytesUploaded(CAROL, day))),
        totals -> assertThat(totals.<Long>list()).containsExactly(350L, 7L, 1_000L, 0L));
  }

  @Test
  @DisplayName("A media reference is recorded per conversation, idempotently, and a media's groups are listed in id order up to the limit")
  void mediaReferences(VertxTestContext testContext) {
    MediaStore store = stores.media();
    verifyThat(testContext, store.addReference("m1", ALICE_BOB)
        .compose(v -> store.addReference("m1", ALICE_BOB))
        .compose(v -> store.addReference("m1", "g:30"))
        .compose(v -> store.addReference("m1", "g:10"))
        .compose(v -> store.addReference("m1", "g:20"))
        .compose(v -> store.addReference("m2", "g:40"))
        .compose(v -> Future.all(List.of(store.isReferencedIn("m1", ALICE_BOB), store.isReferencedIn("m1", ALICE_CAROL),
            store.isReferencedIn("m2", ALICE_BOB), store.groupReferences("m1", 10), store.groupReferences("m1", 2),
            store.groupReferences("m3", 10)))),
        all -> assertThat(all.list()).containsExactly(true, false, false, List.of("g:10", "g:20", "g:30"),
            List.of("g:10", "g:20"), List.of()));
  }

  // --- inbox ---

  @Test
  @DisplayName("Appending to an empty inbox assigns seqs 1, 2 and 3 in list order")
  void inboxSeqsAreDense(VertxTestContext testContext) {
    verifyThat(testContext, stores.inbox().append(List.of(event(BOB, 10), event(BOB, 11), event(BOB, 12))),
        result -> assertThat(result).containsExactly(stored(BOB, 1, 10, true), stored(BOB, 2, 11, true),
            stored(BOB, 3, 12, true)));
  }

  @Test
  @DisplayName("Events for two users in one append get independent seqs, even with the same event id")
  void inboxSeqsArePerUser(VertxTestContext testContext) {
    verifyThat(testContext, stores.inbox().append(List.of(event(ALICE, 10), event(BOB, 10), event(BOB, 11),
            event(ALICE, 11))),
        result -> assertThat(result).containsExactly(stored(ALICE, 1, 10, true), stored(BOB, 1, 10, true),
            stored(BOB, 2, 11, true), stored(ALICE, 2, 11, true)));
  }

  @Test
  @DisplayName("Re-appending a stored event returns its old seq as a replay and does not use up a seq")
  void inboxReplayKeepsSeq(VertxTestContext testContext) {
    InboxStore inbox = stores.inbox();
    verifyThat(testContext, inbox.append(List.of(event(BOB, 10), event(BOB, 11)))
        .compose(v -> inbox.append(List.of(event(BOB, 10), event(BOB, 12))))
        .compose(replayed -> inbox.append(List.of(event(BOB, 13))).map(next -> List.of(replayed, next))),
        results -> assertThat(results).containsExactly(
            List.of(stored(BOB, 1, 10, false), stored(BOB, 3, 12, true)),
            List.of(stored(BOB, 4, 13, true))));
  }

  @Test
  @DisplayName("Reading after a seq returns the later events in seq order, at most limit of them")
  void inboxAfterReadsRange(VertxTestContext testContext) {
    InboxStore inbox = stores.inbox();
    verifyThat(testContext, inbox.append(LongStream.rangeClosed(1, 5).mapToObj(id -> event(BOB, 100 + id)).toList())
        .compose(v -> Future.all(inbox.after(BOB, 2, 10), inbox.after(BOB, 0, 2), inbox.after(BOB, 5, 10),
            inbox.after(ALICE, 0, 10))), all -> {
          assertThat(all.<List<InboxEvent>>resultAt(0)).extracting(InboxEvent::seq, InboxEvent::eventId,
              InboxEvent::payload).containsExactly(tupleOf(3, 103), tupleOf(4, 104), tupleOf(5, 105));
          assertThat(seqs(all.resultAt(1))).containsExactly(1L, 2L);
          assertThat(all.<List<InboxEvent>>resultAt(2)).isEmpty();
          assertThat(all.<List<InboxEvent>>resultAt(3)).isEmpty();
        });
  }

  @Test
  @DisplayName("The latest seq is 0 for an empty inbox and then the newest seq")
  void inboxLatestSeq(VertxTestContext testContext) {
    InboxStore inbox = stores.inbox();
    verifyThat(testContext, inbox.latestSeq(BOB)
        .compose(empty -> inbox.append(List.of(event(BOB, 10), event(BOB, 11), event(BOB, 12)))
            .compose(v -> inbox.latestSeq(BOB)).map(latest -> List.of(empty, latest))),
        latest -> assertThat(latest).containsExactly(0L, 3L));
  }

  @Test
  @DisplayName("One event appended for several users reads back, for each, the payload it was appended with")
  void inboxSharedEventKeepsEachPayload(VertxTestContext testContext) {
    InboxStore inbox = stores.inbox();
    InboxEvent own = InboxEvent.pending(ALICE, 10, "{\"type\":\"message\",\"id\":\"c1\"}");
    verifyThat(testContext, inbox.append(List.of(own, event(BOB, 10), event(CAROL, 10)))
        .compose(v -> Future.all(inbox.after(ALICE, 0, 10), inbox.after(BOB, 0, 10), inbox.after(CAROL, 0, 10))),
        all -> {
          assertThat(all.<List<InboxEvent>>resultAt(0)).extracting(InboxEvent::payload).containsExactly(own.payload());
          assertThat(all.<List<InboxEvent>>resultAt(1)).extracting(InboxEvent::seq, InboxEvent::eventId,
              InboxEvent::payload).containsExactly(tupleOf(1, 10));
          assertThat(all.<List<InboxEvent>>resultAt(2)).extracting(InboxEvent::seq, InboxEvent::eventId,
              InboxEvent::payload).containsExactly(tupleOf(1, 10));
        });
  }

  @Test
  @DisplayName("Re-appending an event for more users keeps the seqs of those who have it and appends it for the others")
  void inboxReplayForMoreUsers(VertxTestContext testContext) {
    InboxStore inbox = stores.inbox();
    verifyThat(testContext, inbox.append(List.of(event(BOB, 9), event(BOB, 10), event(ALICE, 10)))
        .compose(v -> inbox.append(List.of(event(BOB, 10), event(CAROL, 10), event(ALICE, 10))))
        .compose(replayed -> inbox.after(CAROL, 0, 10).map(carol -> List.of(replayed, carol))),
        results -> assertThat(results).containsExactly(
            List.of(stored(BOB, 2, 10, false), stored(CAROL, 1, 10, true), stored(ALICE, 1, 10, false)),
            List.of(stored(CAROL, 1, 10, false))));
  }

  @Test
  @DisplayName("An event for twenty users (a group's) keeps each one's seq when replayed for them and one more")
  void inboxReplayOfLargeEvent(VertxTestContext testContext) {
    InboxStore inbox = stores.inbox();
    List<String> members = IntStream.rangeClosed(1, 20).mapToObj(i -> "member" + i).toList();
    List<InboxEvent> toAll = members.stream().map(member -> event(member, 10)).toList();
    List<InboxEvent> again = new ArrayList<>(toAll);
    again.add(event("member21", 10));
    verifyThat(testContext, inbox.append(List.of(event("member1", 9)))
            .compose(v -> inbox.append(toAll))
            .compose(v -> inbox.append(again)),
        replayed -> {
          assertThat(replayed).hasSize(21);
          assertThat(replayed.get(0)).isEqualTo(stored("member1", 2, 10, false));
          assertThat(replayed.subList(1, 20)).allMatch(event -> event.seq() == 1 && !event.fresh());
          assertThat(replayed.get(20)).isEqualTo(stored("member21", 1, 10, true));
        });
  }

  @Test
  @DisplayName("A 150-event append for one user, an event in it twice, gets seqs 1 to 150; after a restart its replay with new events keeps them")
  void longAppendAndReplayAfterRestart(Vertx vertx, VertxTestContext testContext) {
    List<InboxEvent> first = new ArrayList<>(LongStream.rangeClosed(1, 150).mapToObj(id -> event(BOB, id)).toList());
    first.add(75, event(BOB, 40)); // a repeat inside the append
    List<InboxEvent> again = LongStream.rangeClosed(100, 250).mapToObj(id -> event(BOB, id)).toList();
    verifyThat(testContext, stores.inbox().append(first).compose(appended -> restart(vertx)
            .compose(reopened -> reopened.inbox().append(again))
            .compose(replayed -> stores.inbox().after(BOB, 0, 1000).map(all -> List.of(appended, replayed, all)))),
        results -> {
          List<InboxEvent> appended = results.get(0);
          assertThat(appended).hasSize(151);
          assertThat(appended.get(75)).isEqualTo(stored(BOB, 40, 40, false));
          List<InboxEvent> withoutRepeat = new ArrayList<>(appended);
          withoutRepeat.remove(75);
          assertThat(withoutRepeat).containsExactlyElementsOf(
              LongStream.rangeClosed(1, 150).mapToObj(id -> stored(BOB, id, id, true)).toList());
          assertThat(results.get(1)).containsExactlyElementsOf(LongStream.rangeClosed(100, 250)
              .mapToObj(id -> stored(BOB, id, id, id > 150)).toList());
          assertThat(seqs(results.get(2))).containsExactlyElementsOf(LongStream.rangeClosed(1, 250).boxed().toList());
        });
  }

  @Test
  @DisplayName("Twenty concurrent appends of ten events for one user get exactly seqs 1 to 200, each append in list order")
  void concurrentAppendsAreGapless(VertxTestContext testContext) {
    List<Future<List<InboxEvent>>> appends = IntStream.range(0, 20)
        .mapToObj(batch -> stores.inbox().append(LongStream.range(0, 10)
            .mapToObj(i -> event(BOB, batch * 10L + i + 1)).toList()))
        .toList();
    verifyThat(testContext, Future.all(appends)
        .compose(v -> stores.inbox().after(BOB, 0, 1000)), result -> {
          for (Future<List<InboxEvent>> append : appends) {
            List<Long> seqs = seqs(append.result());
            assertThat(seqs).containsExactlyElementsOf(
                LongStream.range(seqs.get(0), seqs.get(0) + 10).boxed().toList());
          }
          assertThat(appends.stream().flatMap(append -> seqs(append.result()).stream()).sorted())
              .containsExactlyElementsOf(LongStream.rangeClosed(1, 200).boxed().toList());
          assertThat(seqs(result)).containsExactlyElementsOf(LongStream.rangeClosed(1, 200).boxed().toList());
          assertThat(result).extracting(InboxEvent::eventId).doesNotHaveDuplicates().hasSize(200);
        });
  }

  // --- durability ---

  @Test
  @DisplayName("After a restart on the same storage, accounts, history and inbox are still there and seqs continue")
  void dataSurvivesRestart(Vertx vertx, VertxTestContext testContext) {
    Account alice = account(ALICE, "alice.w");
    Message first = message(ALICE_BOB, 1, ALICE, "hi");
    Message second = message(ALICE_BOB, 2, ALICE, "still there?");
    Future<CompositeFuture> reads = stores.accounts().create(alice)
        .compose(v -> appendInOrder(List.of(first, second)))
        .compose(v -> stores.inbox().append(List.of(event(BOB, 1), event(BOB, 2), event(BOB, 3))))
        .compose(v -> restart(vertx))
        .compose(reopened -> Future.all(reopened.accounts().byUsername("alice.w"),
            reopened.messages().page(ALICE_BOB, null, 10), reopened.messages().conversations(BOB, 10),
            reopened.inbox().after(BOB, 0, 10), reopened.inbox().latestSeq(BOB)));
    verifyThat(testContext, reads.compose(v -> stores.inbox().append(List.of(event(BOB, 4)))), appended -> {
      CompositeFuture all = reads.result();
      assertThat(all.<Optional<Account>>resultAt(0)).contains(alice);
      assertThat(all.<List<Message>>resultAt(1)).containsExactly(second, first);
      assertThat(all.<List<ConversationSummary>>resultAt(2))
          .containsExactly(new ConversationSummary(ALICE_BOB, "direct", ALICE, second, 2));
      assertThat(all.<List<InboxEvent>>resultAt(3)).extracting(InboxEvent::seq, InboxEvent::eventId,
          InboxEvent::payload).containsExactly(tupleOf(1, 1), tupleOf(2, 2), tupleOf(3, 3));
      assertThat(all.<Long>resultAt(4)).isEqualTo(3L);
      assertThat(appended).containsExactly(stored(BOB, 4, 4, true));
    });
  }

  @Test
  @DisplayName("After a restart a spent refresh token is still spent and a claimed client id is still claimed")
  void singleUseSurvivesRestart(Vertx vertx, VertxTestContext testContext) {
    verifyThat(testContext, stores.refreshTokens().save(token("h1", "f1", NOW + HOUR))
        .compose(v -> stores.refreshTokens().redeem("h1", NOW))
        .compose(v -> stores.idempotency().claim(ALICE, "c1", 100))
        .compose(v -> restart(vertx))
        .compose(reopened -> Future.all(reopened.refreshTokens().redeem("h1", NOW),
            reopened.idempotency().claim(ALICE, "c1", 200))),
        all -> assertThat(all.<Object>list()).containsExactly(new Redemption.Reused("f1"), 100L));
  }

  // --- push subscriptions ---

  @Test
  @DisplayName("Saved push subscriptions are listed for their user, oldest first, with their keys, and for nobody else")
  void pushSubscriptionsAreListedPerUser(VertxTestContext testContext) {
    PushSubscriptionStore subscriptions = stores.pushSubscriptions();
    PushSubscription phone = subscription(BOB, "https://push.example/phone", NOW);
    PushSubscription laptop = subscription(BOB, "https://push.example/laptop", NOW + 1);
    verifyThat(testContext, subscriptions.save(laptop)
        .compose(v -> subscriptions.save(phone))
        .compose(v -> subscriptions.save(subscription(CAROL, "https://push.example/carol", NOW)))
        .compose(v -> Future.all(subscriptions.of(BOB), subscriptions.of(ALICE))), all -> {
          assertThat(all.<List<PushSubscription>>resultAt(0)).containsExactly(phone, laptop);
          assertThat(all.<List<PushSubscription>>resultAt(1)).isEmpty();
        });
  }

  @Test
  @DisplayName("Saving an endpoint again replaces its keys, and saving it for another user moves it to that user")
  void pushEndpointHasOneOwner(VertxTestContext testContext) {
    PushSubscriptionStore subscriptions = stores.pushSubscriptions();
    String endpoint = "https://push.example/shared-browser";
    PushSubscription renewed = new PushSubscription(BOB, endpoint, "p256dh-2", "auth-2", NOW + 1);
    PushSubscription moved = new PushSubscription(CAROL, endpoint, "p256dh-3", "auth-3", NOW + 2);
    List<List<PushSubscription>> seen = new ArrayList<>();
    verifyThat(testContext, subscriptions.save(subscription(BOB, endpoint, NOW))
        .compose(v -> subscriptions.save(renewed))
        .compose(v -> subscriptions.of(BOB)).map(seen::add)
        .compose(v -> subscriptions.save(moved))
        .compose(v -> Future.all(subscriptions.of(BOB), subscriptions.of(CAROL))), all -> {
          assertThat(seen).containsExactly(List.of(renewed));
          assertThat(all.<List<PushSubscription>>resultAt(0)).isEmpty();
          assertThat(all.<List<PushSubscription>>resultAt(1)).containsExactly(moved);
        });
  }

  @Test
  @DisplayName("Removing a push subscription removes only the user's own endpoint and reports whether there was one")
  void pushSubscriptionRemoval(VertxTestContext testContext) {
    PushSubscriptionStore subscriptions = stores.pushSubscriptions();
    PushSubscription bobs = subscription(BOB, "https://push.example/bob", NOW);
    PushSubscription carols = subscription(CAROL, "https://push.example/carol", NOW);
    List<Boolean> removed = new ArrayList<>();
    verifyThat(testContext, subscriptions.save(bobs)
        .compose(v -> subscriptions.save(carols))
        .compose(v -> subscriptions.remove(BOB, carols.endpoint())).map(removed::add)
        .compose(v -> subscriptions.remove(BOB, bobs.endpoint())).map(removed::add)
        .compose(v -> subscriptions.remove(BOB, bobs.endpoint())).map(removed::add)
        .compose(v -> Future.all(subscriptions.of(BOB), subscriptions.of(CAROL))), all -> {
          assertThat(removed).containsExactly(false, true, false);
          assertThat(all.<List<PushSubscription>>resultAt(0)).isEmpty();
          assertThat(all.<List<PushSubscription>>resultAt(1)).containsExactly(carols);
        });
  }

  // --- readiness ---

  @Test
  @DisplayName("Open stores answer a ping")
  void pingSucceeds(VertxTestContext testContext) {
    stores.ping().onComplete(testContext.succeedingThenComplete());
  }

  // --- helpers ---

  /** An assertion block over a value, run inside {@link VertxTestContext#verify}. */
  @FunctionalInterface
  protected interface Check<T> {
    void accept(T value) throws Throwable;
  }

  /** Completes the test once {@code future} succeeds and {@code check} passes on its value; fails it otherwise. */
  protected static <T> void verifyThat(VertxTestContext testContext, Future<T> future, Check<T> check) {
    future.onComplete(testContext.succeeding(value -> testContext.verify(() -> {
      check.accept(value);
      testContext.completeNow();
    })));
  }

  /** Closes the stores under test and opens new ones on the same storage, as a restarted server would. */
  private Future<Stores> restart(Vertx vertx) {
    Stores old = stores;
    stores = null;
    return old.close().compose(v -> {
      try {
        Stores reopened = reopen(vertx);
        stores = reopened;
        return reopened.open().map(reopened);
      } catch (Exception e) {
        return Future.failedFuture(e);
      }
    });
  }

  /** Redeems the given token hashes one after another and gives the outcomes in that order. */
  private Future<List<Redemption>> redeemInOrder(String... hashes) {
    List<Redemption> outcomes = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (String hash : hashes) {
      chain = chain.compose(v -> stores.refreshTokens().redeem(hash, NOW)).map(outcome -> {
        outcomes.add(outcome);
        return null;
      });
    }
    return chain.map(outcomes);
  }

  /** Appends direct messages one after another, both participants of each conversation listed. */
  private Future<Void> appendInOrder(List<Message> messages) {
    Future<Void> chain = Future.succeededFuture();
    for (Message message : messages) {
      List<String> participants = ConversationId.parse(message.conversationId()).directParticipants();
      chain = chain.compose(v -> stores.messages().append(message, participants)).mapEmpty();
    }
    return chain;
  }

  private static Account account(String userId, String username) {
    return new Account(userId, username, "Display " + username, "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA", NOW);
  }

  private static RefreshToken token(String hash, String familyId, long expiresAt) {
    return new RefreshToken(hash, ALICE, "phone", familyId, expiresAt);
  }

  private static PushSubscription subscription(String userId, String endpoint, long createdAt) {
    return new PushSubscription(userId, endpoint, "p256dh-of-" + endpoint, "auth-of-" + endpoint, createdAt);
  }

  private static Group group(String groupId, long version, List<Member> members) {
    return new Group(groupId, "title " + groupId + " ✓", version, NOW, members);
  }

  private static Message message(String conversationId, long msgId, String senderId, String body) {
    return new Message(msgId, conversationId, senderId, senderId + "-device", "client-" + msgId, "text", body,
        NOW + msgId);
  }

  private static Media media(String mediaId, String ownerId, long size, long createdAt, Media.Thumbnail thumbnail) {
    return new Media(mediaId, ownerId, "image/png", size, "e".repeat(64), "pic ✓.png", 640, 480, thumbnail,
        createdAt);
  }

  private static String payload(long eventId) {
    return "{\"type\":\"message\",\"msgId\":" + eventId + "}";
  }

  private static InboxEvent event(String userId, long eventId) {
    return InboxEvent.pending(userId, eventId, payload(eventId));
  }

  private static InboxEvent stored(String userId, long seq, long eventId, boolean fresh) {
    return new InboxEvent(userId, seq, eventId, payload(eventId), fresh);
  }

  private static Tuple tupleOf(long seq, long eventId) {
    return Tuple.tuple(seq, eventId, payload(eventId));
  }

  private static List<Long> seqs(List<InboxEvent> events) {
    return events.stream().map(InboxEvent::seq).toList();
  }

  private static List<String> conversationIds(List<ConversationSummary> list) {
    return list.stream().map(ConversationSummary::conversationId).collect(Collectors.toList());
  }

  private static void block(Future<?> future) throws Exception {
    future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
