package chat.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  private final PasswordHasher hasher = new PasswordHasher(1024, 1, 1);

  @Test
  @DisplayName("A hash is a salted Argon2id PHC string that verifies only the right password")
  void hashAndVerify() {
    String hash = hasher.hash("correct horse ☃");
    assertThat(hash).startsWith("$argon2id$v=19$m=1024,t=1,p=1$").doesNotContain("correct horse");
    assertThat(hasher.verify("correct horse ☃", hash)).isTrue();
    assertThat(hasher.verify("correct horse", hash)).isFalse();
    assertThat(hasher.hash("correct horse ☃")).isNotEqualTo(hash);
  }

  @Test
  @DisplayName("Hashes made with other cost settings still verify, so costs can be raised later")
  void otherCosts() {
    String old = new PasswordHasher(512, 2, 1).hash("password1");
    assertThat(hasher.verify("password1", old)).isTrue();
  }

  @Test
  @DisplayName("A malformed stored hash never verifies")
  void malformed() {
    assertThat(hasher.verify("password1", "plain")).isFalse();
    assertThat(hasher.verify("password1", "$bcrypt$v=19$m=1,t=1,p=1$AA$AA")).isFalse();
  }
}
