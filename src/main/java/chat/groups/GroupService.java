package chat.groups;

import chat.ids.Snowflake;
import chat.pipeline.MessagePipeline;
import chat.protocol.ChatException;
import chat.protocol.ErrorCode;
import chat.store.AccountStore;
import chat.store.Group;
import chat.store.Group.Member;
import chat.store.Group.Role;
import chat.store.GroupStore;
import chat.store.Message;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Creating groups and changing their title, members and admins. Every change is computed from the
 * group as stored, written only over the version it was computed from (a concurrent change on any
 * node makes it start again), published to every node's {@link MembershipCache}, and announced as
 * a system message in the group's history and the inboxes of every member it concerns. The caller
 * gets the answer once that message is as durable as a sent message is at its ack. Thread-safe: the
 * gateways of a node share one.
 */
public final class GroupService {
  /** A change that lost the race for a version this many times in a row gives up (unavailable). */
  private static final int CHANGE_ATTEMPTS = 8;

  /** The {@code groups} config section, parsed once. */
  public record Settings(int maxMembers, int maxTitleChars, int cacheSize) {
    public static Settings from(JsonObject groups) {
      return new Settings(groups.getInteger("maxMembers", 1024), groups.getInteger("maxTitleChars", 128),
          groups.getInteger("cacheSize", 100_000));
    }
  }

  /** One computed change: the next version of the group and the event announcing it. */
  private record Proposal(Group group, JsonObject event) {
  }

  /** Computes a change from the stored group, the caller's membership and the msgId of its announcement; null when nothing changes. */
  private interface Change {
    Proposal apply(Group current, Member actor, long msgId);
  }

  private final GroupStore store;
  private final MembershipCache cache;
  private final AccountStore accounts;
  private final MessagePipeline pipeline;
  private final Snowflake ids;
  private final Settings settings;

  public GroupService(GroupStore store, MembershipCache cache, AccountStore accounts, MessagePipeline pipeline,
                      Snowflake ids, Settings settings) {
    this.store = store;
    this.cache = cache;
    this.accounts = accounts;
    this.pipeline = pipeline;
    this.ids = ids;
    this.settings = settings;
  }

  public Future<Group> create(String caller, String title, List<?> memberIds) {
    try {
      String checkedTitle = title(title);
      List<String> others = userIds(memberIds, true);
      others.remove(caller);
      if (others.size() + 1 > settings.maxMembers()) {
        throw new ChatException(ErrorCode.GROUP_FULL, "a group has at most " + settings.maxMembers() + " members");
      }
      return requireAccounts(others).compose(v -> {
        long msgId = ids.next();
        List<Member> members = new ArrayList<>(others.size() + 1);
        members.add(new Member(caller, Role.OWNER, msgId));
        others.forEach(user -> members.add(new Member(user, Role.MEMBER, msgId)));
        Group group = new Group(Long.toString(ids.next()), checkedTitle, 1, Snowflake.timestampOf(msgId), members);
        return store.create(group).compose(created -> {
          cache.changed(group);
          return announce(group, caller, SystemEvents.created(caller, checkedTitle, group.memberIds()), msgId);
        }).map(group);
      });
    } catch (ChatException e) {
      return Future.failedFuture(e);
    }
  }

  /** The group, for its members. */
  public Future<Group> view(String caller, String groupId) {
    return cache.requireMember(groupId, caller);
  }

  public Future<Group> rename(String caller, String groupId, String title) {
    try {
      String checkedTitle = title(title);
      return change(groupId, caller, (group, actor, msgId) -> {
        requireOwnerOrAdmin(actor, "change the title");
        return checkedTitle.equals(group.title()) ? null
            : new Proposal(group.next(checkedTitle, group.members()), SystemEvents.renamed(caller, checkedTitle));
      });
    } catch (ChatException e) {
      return Future.failedFuture(e);
    }
  }

  public Future<Group> addMembers(String caller, String groupId, List<?> userIds) {
    try {
      List<String> wanted = userIds(userIds, false);
      return requireAccounts(wanted).compose(v -> change(groupId, caller, (group, actor, msgId) -> {
        requireOwnerOrAdmin(actor, "add members");
        List<String> added = wanted.stream().filter(user -> !group.isMember(user)).toList();
        if (added.isEmpty()) {
          return null;
        }
        if (group.members().size() + added.size() > settings.maxMembers()) {
          throw new ChatException(ErrorCode.GROUP_FULL, "a group has at most " + settings.maxMembers() + " members");
        }
        List<Member> members = new ArrayList<>(group.members());
        added.forEach(user -> members.add(new Member(user, Role.MEMBER, msgId)));
        return new Proposal(group.next(group.title(), members), SystemEvents.membersAdded(caller, added));
      }));
    } catch (ChatException e) {
      return Future.failedFuture(e);
    }
  }

  /** An owner or admin removes someone; a member removing themself leaves. */
  public Future<Group> removeMember(String caller, String groupId, String userId) {
    if (caller.equals(userId)) {
      return change(groupId, caller, (group, actor, msgId) -> leave(group, actor));
    }
    return change(groupId, caller, (group, actor, msgId) -> {
      requireOwnerOrAdmin(actor, "remove members");
      Member target = group.member(userId)
          .orElseThrow(() -> new ChatException(ErrorCode.NOT_FOUND, "not a member of this group"));
      if (target.role() == Role.OWNER) {
        throw new ChatException(ErrorCode.FORBIDDEN, "the owner cannot be removed");
      }
      if (target.role() == Role.ADMIN && actor.role() != Role.OWNER) {
        throw new ChatException(ErrorCode.FORBIDDEN, "only the owner may remove an admin");
      }
      List<Member> members = new ArrayList<>(group.members());
      members.remove(target);
      return new Proposal(group.next(group.title(), members), SystemEvents.memberRemoved(caller, userId));
    });
  }

  /** Ownership passes to the oldest admin, else the oldest member. */
  private static Proposal leave(Group group, Member leaver) {
    List<Member> members = new ArrayList<>(group.members());
    members.remove(leaver);
    String newOwner = null;
    if (leaver.role() == Role.OWNER && !members.isEmpty()) {
      int heir = 0;
      for (int i = 0; i < members.size(); i++) {
        if (members.get(i).role() == Role.ADMIN) {
          heir = i;
          break;
        }
      }
      members.set(heir, members.get(heir).withRole(Role.OWNER));
      newOwner = members.get(heir).userId();
    }
    return new Proposal(group.next(group.title(), members), SystemEvents.memberLeft(leaver.userId(), newOwner));
  }

  public Future<Group> setAdmin(String caller, String groupId, String userId, boolean admin) {
    return change(groupId, caller, (group, actor, msgId) -> {
      if (actor.role() != Role.OWNER) {
        throw new ChatException(ErrorCode.FORBIDDEN, "only the owner may grant or revoke admin");
      }
      Member target = group.member(userId)
          .orElseThrow(() -> new ChatException(ErrorCode.NOT_FOUND, "not a member of this group"));
      if (target.role() == Role.OWNER) {
        throw new ChatException(ErrorCode.BAD_REQUEST, "the owner is not an admin to grant or revoke");
      }
      Role role = admin ? Role.ADMIN : Role.MEMBER;
      if (target.role() == role) {
        return null;
      }
      List<Member> members = new ArrayList<>(group.members());
      members.set(members.indexOf(target), target.withRole(role));
      return new Proposal(group.next(group.title(), members), SystemEvents.admin(caller, userId, admin));
    });
  }

  private Future<Group> change(String groupId, String caller, Change change) {
    return change(groupId, caller, change, 1);
  }

  private Future<Group> change(String groupId, String caller, Change change, int attempt) {
    return store.find(groupId).compose(found -> {
      Group current = found.orElseThrow(() -> new ChatException(ErrorCode.NOT_FOUND, "no such group"));
      Member actor = current.member(caller)
          .orElseThrow(() -> new ChatException(ErrorCode.FORBIDDEN, "not a member of this group"));
      long msgId = ids.next();
      Proposal proposal = change.apply(current, actor, msgId);
      if (proposal == null) {
        return Future.succeededFuture(current);
      }
      return store.replace(proposal.group()).compose(applied -> {
        if (!applied) {
          return attempt < CHANGE_ATTEMPTS ? change(groupId, caller, change, attempt + 1)
              : Future.failedFuture(new ChatException(ErrorCode.UNAVAILABLE, "the group is changing too fast, retry"));
        }
        cache.changed(proposal.group());
        return announce(proposal.group(), caller, proposal.event(), msgId).map(proposal.group());
      });
    });
  }

  /**
   * The change's system message, through the same pipeline as every message of the group, to the
   * users the change concerns as stored now: whatever changes follow, they do not alter who gets it.
   */
  private Future<Void> announce(Group group, String actor, JsonObject event, long msgId) {
    Message message = new Message(msgId, group.conversationId(), actor, null, null, SystemEvents.KIND, event.encode(),
        Snowflake.timestampOf(msgId));
    return pipeline.announce(message, SystemEvents.recipients(group, event));
  }

  private static void requireOwnerOrAdmin(Member actor, String what) {
    if (actor.role() == Role.MEMBER) {
      throw new ChatException(ErrorCode.FORBIDDEN, "only the owner or an admin may " + what);
    }
  }

  private String title(String title) {
    String trimmed = title == null ? "" : title.strip();
    if (trimmed.isEmpty() || trimmed.length() > settings.maxTitleChars()) {
      throw new ChatException(ErrorCode.BAD_REQUEST, "title must be 1 to " + settings.maxTitleChars() + " characters");
    }
    return trimmed;
  }

  /** Distinct user ids, in the order given; bounded before any store read. */
  private List<String> userIds(List<?> raw, boolean mayBeEmpty) {
    if (raw == null || (!mayBeEmpty && raw.isEmpty())) {
      throw new ChatException(ErrorCode.BAD_REQUEST, mayBeEmpty ? "members must be a list of user ids"
          : "userIds must be a non-empty list of user ids");
    }
    if (raw.size() > settings.maxMembers()) {
      throw new ChatException(ErrorCode.GROUP_FULL, "a group has at most " + settings.maxMembers() + " members");
    }
    Set<String> distinct = new LinkedHashSet<>();
    for (Object id : raw) {
      if (!(id instanceof String s) || s.isEmpty() || s.length() > 64) {
        throw new ChatException(ErrorCode.BAD_REQUEST, "user ids must be non-empty strings");
      }
      distinct.add(s);
    }
    return new ArrayList<>(distinct);
  }

  private Future<Void> requireAccounts(List<String> userIds) {
    List<Future<?>> lookups = new ArrayList<>(userIds.size());
    for (String user : userIds) {
      lookups.add(accounts.byId(user).map(found -> {
        if (found.isEmpty()) {
          throw new ChatException(ErrorCode.BAD_REQUEST, "unknown user id " + user);
        }
        return null;
      }));
    }
    return Future.all(lookups).mapEmpty();
  }
}
