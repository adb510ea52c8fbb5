package chat.auth;

import io.vertx.core.json.JsonObject;

/** What login and refresh answer. */
public record TokenPair(String accessToken, String refreshToken, long expiresIn, String userId, String deviceId) {
  public JsonObject toJson() {
    return new JsonObject().put("accessToken", accessToken).put("refreshToken", refreshToken)
        .put("expiresIn", expiresIn).put("userId", userId).put("deviceId", deviceId);
  }
}
