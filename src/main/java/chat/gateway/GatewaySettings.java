package chat.gateway;

import chat.media.MediaSettings;
import io.vertx.core.json.JsonObject;

/** The gateway's part of the config ({@code http}, {@code messages} and {@code media} sections), parsed once. */
public record GatewaySettings(String host, int port, int maxFrameBytes, int maxTransportFrameBytes,
                              int maxRequestBodyBytes, long authTimeoutMs, long sendTimeoutMs,
                              int historyPageMax, int syncPageMax, long heartbeatIntervalMs,
                              long heartbeatTimeoutMs, MediaSettings media, boolean webSocketCompression,
                              boolean metrics) {

  public static GatewaySettings from(JsonObject config) {
    JsonObject http = config.getJsonObject("http", new JsonObject());
    JsonObject messages = config.getJsonObject("messages", new JsonObject());
    return new GatewaySettings(http.getString("host", "0.0.0.0"), http.getInteger("port", 8080),
        http.getInteger("maxFrameBytes", 65_536), http.getInteger("maxTransportFrameBytes", 262_144),
        http.getInteger("maxRequestBodyBytes", 65_536), http.getLong("authTimeoutMs", 10_000L),
        http.getLong("sendTimeoutMs", 10_000L), messages.getInteger("historyPageMax", 100),
        messages.getInteger("syncPageMax", 500), http.getLong("heartbeatIntervalMs", 5_000L),
        http.getLong("heartbeatTimeoutMs", 30_000L), MediaSettings.from(config),
        http.getBoolean("webSocketCompression", false), http.getBoolean("metrics", true));
  }
}
