package chat.protocol;

import io.vertx.core.json.JsonObject;

/**
 * Gateway → router: one client's {@code send} frame, checked for shape, with who sent it.
 * Exactly one of {@code to} and {@code conversation} is set; {@code mediaId} only for a media kind.
 */
public record SendCommand(String senderId, String deviceId, String sessionId, String clientId, String to,
                          String conversation, String kind, String body, String mediaId) {

  public JsonObject toJson() {
    return new JsonObject().put("senderId", senderId).put("deviceId", deviceId).put("sessionId", sessionId)
        .put("clientId", clientId).put("to", to).put("conversation", conversation).put("kind", kind).put("body", body)
        .put("mediaId", mediaId);
  }

  public static SendCommand fromJson(JsonObject json) {
    return new SendCommand(json.getString("senderId"), json.getString("deviceId"), json.getString("sessionId"),
        json.getString("clientId"), json.getString("to"), json.getString("conversation"), json.getString("kind"),
        json.getString("body"), json.getString("mediaId"));
  }
}
