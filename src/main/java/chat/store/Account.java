package chat.store;

/** A registered user. {@code passwordHash} is a PHC-format Argon2id string, never the password. */
public record Account(String userId, String username, String displayName, String passwordHash, long createdAt) {
}
