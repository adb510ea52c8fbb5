package chat.store;

import java.net.URI;

/**
 * A browser's Web Push subscription (RFC 8030, keys of RFC 8291): the push service URL to POST to,
 * the browser's P-256 public key ({@code p256dh}, 65 bytes) and its 16-byte {@code auth} secret,
 * both base64url. An endpoint belongs to one user at a time. The endpoint is a capability URL and
 * {@code auth} a secret, so {@link #toString} shows neither.
 */
public record PushSubscription(String userId, String endpoint, String p256dh, String auth, long createdAt) {
  @Override
  public String toString() {
    return "PushSubscription[userId=" + userId + ", host=" + endpointHost() + ", createdAt=" + createdAt + "]";
  }

  /** The push service's host, the part of the endpoint that may be logged. */
  public String endpointHost() {
    try {
      return URI.create(endpoint).getHost();
    } catch (IllegalArgumentException e) {
      return "?";
    }
  }
}
