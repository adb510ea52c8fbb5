package chat.gateway;

import io.vertx.core.json.JsonObject;

/** The gateway's part of the config ({@code http} and {@code messages} sections), parsed once. */
public record GatewaySettings(String host, int port, int maxFrameBytes, int maxTransportFrameBytes,
                              int maxRequestBodyBytes, long authTimeoutMs, long sendTimeoutMs,
                              int historyPageMax, int syncPageMax, boolean webSocketCompression) {

  public static GatewaySettings from(JsonObject config) {
    JsonObject http = config.getJsonObject("http", new JsonObject());
    JsonObject messages = config.getJsonObject("messages", new JsonObject());
    return new GatewaySettings(http.getString("host", "0.0.0.0"), http.getInteger("port", 8080),
        http.getInteger("maxFrameBytes", 65_536), http.getInteger("maxTransportFrameBytes", 262_144),
        http.getInteger("maxRequestBodyBytes", 65_536), http.getLong("authTimeoutMs", 10_000L),
        http.getLong("sendTimeoutMs", 10_000L), messages.getInteger("historyPageMax", 100),
        messages.getInteger("syncPageMax", 500), http.getBoolean("webSocketCompression", false));
  }
}
