package chat.protocol;

import chat.media.MediaMessages;
import chat.store.Message;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/** Builders for the server → client frames of wire contract v1 (docs/protocol.md). */
public final class Frames {
  private Frames() {
  }

  /**
   * A message as it appears in history pages and in {@code message} frames; ids travel as strings.
   * A system message carries its {@code event} object instead of a body; a media message its
   * {@code media} object and an optional body (caption).
   */
  public static JsonObject message(Message m) {
    JsonObject json = new JsonObject().put("msgId", Long.toString(m.msgId())).put("conversation", m.conversationId())
        .put("from", m.senderId()).put("kind", m.kind());
    if (Message.SYSTEM_KIND.equals(m.kind())) {
      json.put("event", new JsonObject(m.body()));
    } else if (MediaMessages.isMediaKind(m.kind())) {
      MediaMessages.addWireFields(json, m.body());
    } else {
      json.put("body", m.body());
    }
    return json.put("ts", m.ts());
  }

  /**
   * The inbox payload of a message event as every participant's devices get it. Encoded once per
   * message and shared by all its inbox events (a group of 1,000 members costs one encode); the
   * sender's copy adds the client id with {@link #withClientId}.
   */
  public static String messageEvent(Message m) {
    return new JsonObject().put("type", "message").mergeIn(message(m)).encode();
  }

  /** The sender's copy of a message event: with {@code "id"}, so its devices can match their send. */
  public static String withClientId(String payload, String clientId) {
    return clientId == null ? payload : withMember(payload, "\"id\":" + Json.encode(clientId));
  }

  /**
   * Inserts {@code "seq":N} after the opening brace of a stored payload, avoiding a parse and
   * re-encode per delivery. Payloads are JSON objects written by {@link #messageEvent}.
   */
  public static String withSeq(String payload, long seq) {
    return withMember(payload, "\"seq\":" + seq);
  }

  /** Inserts encoded {@code "name":value} members first into an encoded JSON object. */
  public static String withMember(String payload, String member) {
    return "{" + member + (payload.length() > 2 ? "," : "") + payload.substring(1);
  }

  /**
   * The inverse of {@link #withMember}: the encoded members {@code payload} has before the members
   * of {@code shared}, when {@code payload} is exactly {@code withMember(shared, members)}; else null.
   * Lets a store keep the sender's copy of a message event as its client id alone.
   */
  public static String membersBefore(String payload, String shared) {
    int sharedTail = shared.length() - 1; // shared without its opening brace
    int comma = payload.length() - shared.length();
    if (shared.length() <= 2 || comma < 2 || payload.charAt(0) != '{' || shared.charAt(0) != '{'
        || payload.charAt(comma) != ',' || !payload.regionMatches(comma + 1, shared, 1, sharedTail)) {
      return null;
    }
    return payload.substring(1, comma);
  }

  public static JsonObject error(ErrorCode code, String message, String ref) {
    JsonObject frame = new JsonObject().put("type", "error").put("code", code.wire).put("message", message);
    if (ref != null) {
      frame.put("ref", ref);
    }
    return frame;
  }
}
