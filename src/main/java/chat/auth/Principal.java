package chat.auth;

/** Who is calling: the user and the device their access token was issued to. */
public record Principal(String userId, String deviceId) {
}
