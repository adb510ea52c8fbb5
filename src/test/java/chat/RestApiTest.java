package chat;

import static org.assertj.core.api.Assertions.assertThat;

import chat.support.ChatClient;
import chat.support.ChatClient.User;
import chat.support.TestNode;
import chat.support.TestSocket;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST side of wire contract v1, driven over real HTTP against a real node (one per test, in a
 * temp data dir): accounts and tokens, access-token checks, conversation lists, history pages,
 * health, and the error bodies of the router.
 */
@ExtendWith(VertxExtension.class)
class RestApiTest {
  private static final String REGISTER = "/api/v1/auth/register";
  private static final String LOGIN = "/api/v1/auth/login";
  private static final String REFRESH = "/api/v1/auth/refresh";
  private static final String LOGOUT = "/api/v1/auth/logout";
  private static final String CONVERSATIONS = "/api/v1/conversations";
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();

  // ---------------------------------------------------------------------------------------------
  // Registration
  // ---------------------------------------------------------------------------------------------

  @Test
  @DisplayName("Register creates an account and answers 201 with exactly its userId and username")
  void registers(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    String username = ChatClient.uniqueName("reg");
    String password = "s3cret-" + username;
    node(vertx, dir).compose(client -> client.post(REGISTER, new JsonObject().put("username", username)
        .put("password", password).put("displayName", "Alice Example")).map(r -> {
          ctx.verify(() -> {
            assertThat(r.statusCode()).isEqualTo(201);
            assertThat(r.getHeader("Content-Type")).startsWith("application/json");
            JsonObject body = r.bodyAsJsonObject();
            assertThat(body.fieldNames()).containsExactlyInAnyOrder("userId", "username");
            assertThat(body.getString("username")).isEqualTo(username);
            assertThat(body.getString("userId")).isNotBlank();
            assertNoSecrets(r, password);
          });
          return null;
        })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Register gives every account its own userId")
  void distinctIds(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> client.newUser("d1").compose(a -> client.newUser("d1").map(b -> {
      ctx.verify(() -> assertThat(a.userId()).isNotEqualTo(b.userId()));
      return null;
    }))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Register answers 409 username_taken for a name already registered and leaves the first account intact")
  void usernameTaken(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    String username = ChatClient.uniqueName("dup");
    node(vertx, dir).compose(client -> register(client, username, "first-password")
        .compose(first -> register(client, username, "second-password"))
        .compose(second -> {
          ctx.verify(() -> {
            assertError(second, 409, "username_taken", "second registration");
            assertNoSecrets(second, "second-password");
          });
          return client.post(LOGIN, credentials(username, "first-password"));
        })
        .compose(firstLogin -> client.post(LOGIN, credentials(username, "second-password")).map(secondLogin -> {
          ctx.verify(() -> {
            assertThat(firstLogin.statusCode()).as("login with the first password").isEqualTo(200);
            assertError(secondLogin, 401, "unauthorized", "login with the rejected password");
          });
          return null;
        }))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Register accepts usernames of exactly 3 and 32 characters from a-z 0-9 _ . -")
  void usernameBoundaries(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    String stem = ChatClient.uniqueName("b").replace('_', '.');
    List<String> names = List.of(shortName(), pad(stem + "-_", 32), "a.b-c_9" + stem.substring(0, 3));
    node(vertx, dir).compose(client -> each(names, name -> register(client, name, "long-enough")))
        .map(exchanges -> {
          ctx.verify(() -> {
            for (Exchange<String> e : exchanges) {
              assertThat(e.response().statusCode()).as("username '%s' (%d chars): %s", e.input(),
                  e.input().length(), e.response().bodyAsString()).isEqualTo(201);
            }
          });
          return null;
        }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Register rejects with 400 bad_request a username that is too short, too long, uppercase or has other characters")
  void badUsernames(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    List<String> names = List.of("", "ab", "a", pad("abc", 33), "Alice", "ALICE_1", "al ice", "al!ce",
        "al@ice", "al/ice", "al:ice", "ålice", "al\tice", "alice\n");
    node(vertx, dir).compose(client -> each(names, name -> register(client, name, "long-enough")))
        .map(exchanges -> {
          ctx.verify(() -> exchanges.forEach(e ->
              assertError(e.response(), 400, "bad_request", "username '" + e.input() + "'")));
          return null;
        }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Register accepts passwords of exactly 8 and 128 characters and rejects shorter and longer ones with 400 bad_request")
  void passwordLengths(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    List<Integer> good = List.of(8, 128);
    List<Integer> bad = List.of(0, 1, 7, 129, 1000);
    node(vertx, dir).compose(client -> each(good, n -> register(client, ChatClient.uniqueName("pw"), pad("p", n)))
        .compose(accepted -> each(bad, n -> register(client, ChatClient.uniqueName("pw"), pad("p", n)))
            .map(rejected -> {
              ctx.verify(() -> {
                for (Exchange<Integer> e : accepted) {
                  assertThat(e.response().statusCode()).as("password of %d characters: %s", e.input(),
                      e.response().bodyAsString()).isEqualTo(201);
                }
                rejected.forEach(e ->
                    assertError(e.response(), 400, "bad_request", "password of " + e.input() + " characters"));
              });
              return null;
            }))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Register rejects with 400 bad_request a body that lacks the username or the password")
  void missingFields(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    List<JsonObject> bodies = List.of(new JsonObject(),
        new JsonObject().put("username", ChatClient.uniqueName("nf")),
        new JsonObject().put("password", "long-enough"),
        new JsonObject().put("username", ChatClient.uniqueName("nf")).putNull("password"),
        new JsonObject().putNull("username").put("password", "long-enough"),
        new JsonObject().put("displayName", "Only A Name"));
    node(vertx, dir).compose(client -> each(bodies, body -> client.post(REGISTER, body)))
        .map(exchanges -> {
          ctx.verify(() -> exchanges.forEach(e ->
              assertError(e.response(), 400, "bad_request", "body " + e.input().encode())));
          return null;
        }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Register rejects with 400 bad_request a body that is not a JSON object: garbage, an array, a scalar, null, empty")
  void notAJsonObject(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    List<String> bodies = List.of("not json at all", "{\"username\":", "[]",
        "[{\"username\":\"alice\",\"password\":\"long-enough\"}]", "\"alice\"", "42", "true", "null", "");
    node(vertx, dir).compose(client -> each(bodies, body -> postRaw(client, REGISTER, body)))
        .map(exchanges -> {
          ctx.verify(() -> exchanges.forEach(e ->
              assertError(e.response(), 400, "bad_request", "raw body '" + e.input() + "'")));
          return null;
        }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Register rejects with 400 bad_request a displayName that is blank or longer than 64 characters")
  void badDisplayName(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    List<String> names = List.of("", "   ", pad("n", 65));
    node(vertx, dir).compose(client -> each(names, name -> client.post(REGISTER, new JsonObject()
        .put("username", ChatClient.uniqueName("dn")).put("password", "long-enough").put("displayName", name))))
        .map(exchanges -> {
          ctx.verify(() -> exchanges.forEach(e ->
              assertError(e.response(), 400, "bad_request", "displayName '" + e.input() + "'")));
          return null;
        }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Register answers 413 too_large for a body over 64 KiB")
  void bodyTooLarge(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    JsonObject huge = credentials(ChatClient.uniqueName("big"), "long-enough")
        .put("displayName", pad("x", 70 * 1024));
    node(vertx, dir).compose(client -> client.post(REGISTER, huge)).map(r -> {
      ctx.verify(() -> assertError(r, 413, "too_large", "a 70 KiB register body"));
      return null;
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Register takes a body of exactly 64 KiB and answers 413 too_large for one byte more")
  void bodyLimitBoundary(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    String fits = sized(credentials(ChatClient.uniqueName("fit"), "long-enough"), 65_536);
    String over = sized(credentials(ChatClient.uniqueName("over"), "long-enough"), 65_537);
    node(vertx, dir).compose(client -> postRaw(client, REGISTER, fits).compose(ok ->
        postRaw(client, REGISTER, over).map(ko -> {
          ctx.verify(() -> {
            assertThat(fits.getBytes(StandardCharsets.UTF_8)).hasSize(65_536);
            assertThat(over.getBytes(StandardCharsets.UTF_8)).hasSize(65_537);
            assertThat(ok.statusCode()).as("a 65536-byte body: %s", ok.bodyAsString()).isEqualTo(201);
            assertError(ko, 413, "too_large", "a 65537-byte body");
          });
          return null;
        }))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Register answers 413 too_large for a chunked body over 64 KiB, which announces no length")
  void chunkedBodyTooLarge(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    Buffer huge = Buffer.buffer(credentials(ChatClient.uniqueName("chunk"), "long-enough")
        .put("displayName", pad("x", 70 * 1024)).encode());
    node(vertx, dir).compose(client -> vertx.createHttpClient()
        .request(io.vertx.core.http.HttpMethod.POST, client.port, "127.0.0.1", REGISTER)
        .compose(request -> {
          request.setChunked(true).putHeader("Content-Type", "application/json");
          return request.send(huge);
        })
        .compose(response -> response.body().map(body -> {
          ctx.verify(() -> {
            assertThat(response.statusCode()).as("status (body %s)", body).isEqualTo(413);
            assertThat(response.getHeader("Content-Type")).startsWith("application/json");
            assertThat(body.toJsonObject().getJsonObject("error").getString("code")).isEqualTo("too_large");
          });
          return null;
        }))).onComplete(ctx.succeedingThenComplete());
  }

  // ---------------------------------------------------------------------------------------------
  // Login
  // ---------------------------------------------------------------------------------------------

  @Test
  @DisplayName("Login answers 200 with tokens, expiresIn, the userId and the given deviceId, and the access token works")
  void loginAnswersTokens(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    String username = ChatClient.uniqueName("li");
    String password = "pass-" + username;
    node(vertx, dir).compose(client -> register(client, username, password).compose(registered ->
        client.post(LOGIN, credentials(username, password).put("deviceId", "Phone_1-a")).compose(r -> {
          JsonObject body = r.bodyAsJsonObject();
          ctx.verify(() -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.getHeader("Content-Type")).startsWith("application/json");
            assertTokenPair(body);
            assertThat(body.getString("userId")).isEqualTo(registered.bodyAsJsonObject().getString("userId"));
            assertThat(body.getString("deviceId")).isEqualTo("Phone_1-a");
            assertThat(body.getLong("expiresIn")).isEqualTo(900L);
            assertNoSecrets(r, password);
          });
          return client.get(CONVERSATIONS, body.getString("accessToken"));
        }).map(list -> {
          ctx.verify(() -> {
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(list.bodyAsJsonObject().getJsonArray("conversations")).isEmpty();
          });
          return null;
        }))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Login generates a deviceId when none is given, a different one per login")
  void generatedDeviceId(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    String username = ChatClient.uniqueName("gd");
    node(vertx, dir).compose(client -> register(client, username, "long-enough")
        .compose(reg -> client.post(LOGIN, credentials(username, "long-enough")))
        .compose(first -> client.post(LOGIN, credentials(username, "long-enough")).map(second -> {
          ctx.verify(() -> {
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(second.statusCode()).isEqualTo(200);
            String a = first.bodyAsJsonObject().getString("deviceId");
            String b = second.bodyAsJsonObject().getString("deviceId");
            assertThat(a).matches("[A-Za-z0-9_-]{1,64}");
            assertThat(b).matches("[A-Za-z0-9_-]{1,64}");
            assertThat(a).isNotEqualTo(b);
            assertTokenPair(first.bodyAsJsonObject());
          });
          return null;
        }))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Login answers the same 401 unauthorized for a wrong password and for an unknown user")
  void wrongCredentials(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    String username = ChatClient.uniqueName("wc");
    node(vertx, dir).compose(client -> register(client, username, "right-password")
        .compose(reg -> client.post(LOGIN, credentials(username, "wrong-password")))
        .compose(wrong -> client.post(LOGIN, credentials(ChatClient.uniqueName("ghost"), "wrong-password"))
            .map(unknown -> {
              ctx.verify(() -> {
                assertError(wrong, 401, "unauthorized", "wrong password");
                assertError(unknown, 401, "unauthorized", "unknown user");
                assertThat(unknown.bodyAsJsonObject()).as("the two failures must not tell the cases apart")
                    .isEqualTo(wrong.bodyAsJsonObject());
                assertNoSecrets(wrong, "wrong-password");
              });
              return null;
            }))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Login is case-sensitive on the password")
  void passwordCase(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    String username = ChatClient.uniqueName("pc");
    node(vertx, dir).compose(client -> register(client, username, "Right-Password")
        .compose(reg -> client.post(LOGIN, credentials(username, "right-password")))).map(r -> {
          ctx.verify(() -> assertError(r, 401, "unauthorized", "password in another case"));
          return null;
        }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Login rejects with 400 bad_request a deviceId that is empty, too long or has other characters")
  void badDeviceId(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    String username = ChatClient.uniqueName("bd");
    List<String> devices = List.of("", pad("d", 65), "my phone", "phone.1", "phone/1", "phöne", "a:b");
    node(vertx, dir).compose(client -> register(client, username, "long-enough")
        .compose(reg -> each(devices, device ->
            client.post(LOGIN, credentials(username, "long-enough").put("deviceId", device))))
        .compose(exchanges -> client.post(LOGIN, credentials(username, "long-enough")
            .put("deviceId", pad("d", 64))).map(longest -> {
              ctx.verify(() -> {
                exchanges.forEach(e -> assertError(e.response(), 400, "bad_request", "deviceId '" + e.input() + "'"));
                assertThat(longest.statusCode()).as("a 64-character deviceId").isEqualTo(200);
              });
              return null;
            }))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Login rejects with 400 bad_request a body without username or password, or not a JSON object")
  void loginBadBodies(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    List<JsonObject> bodies = List.of(new JsonObject(), new JsonObject().put("username", "someone"),
        new JsonObject().put("password", "long-enough"));
    node(vertx, dir).compose(client -> each(bodies, body -> client.post(LOGIN, body))
        .compose(missing -> each(List.of("nope", "[]"), raw -> postRaw(client, LOGIN, raw)).map(raw -> {
          ctx.verify(() -> {
            missing.forEach(e -> assertError(e.response(), 400, "bad_request", "body " + e.input().encode()));
            raw.forEach(e -> assertError(e.response(), 400, "bad_request", "raw body '" + e.input() + "'"));
          });
          return null;
        }))).onComplete(ctx.succeedingThenComplete());
  }

  // ---------------------------------------------------------------------------------------------
  // Refresh and logout
  // ---------------------------------------------------------------------------------------------

  @Test
  @DisplayName("Refresh answers new tokens for the same user and device, and the new access token works")
  void refreshRotates(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> client.newUser("tablet").compose(user ->
        refresh(client, user.refreshToken()).compose(r -> {
          JsonObject body = r.bodyAsJsonObject();
          ctx.verify(() -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertTokenPair(body);
            assertThat(body.getString("userId")).isEqualTo(user.userId());
            assertThat(body.getString("deviceId")).isEqualTo("tablet");
            assertThat(body.getString("refreshToken")).isNotEqualTo(user.refreshToken());
            assertThat(body.getLong("expiresIn")).isEqualTo(900L);
            assertNoSecrets(r, user.password());
          });
          return client.get(CONVERSATIONS, body.getString("accessToken"));
        }).map(list -> {
          ctx.verify(() -> {
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(list.bodyAsJsonObject().getJsonArray("conversations")).isEmpty();
          });
          return null;
        }))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Each rotated refresh token can itself be rotated once")
  void chain(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> client.newUser("laptop").compose(user ->
        refresh(client, user.refreshToken())
            .compose(r1 -> refresh(client, r1.bodyAsJsonObject().getString("refreshToken")))
            .compose(r2 -> refresh(client, r2.bodyAsJsonObject().getString("refreshToken")).map(r3 -> {
              ctx.verify(() -> {
                assertThat(r2.statusCode()).isEqualTo(200);
                assertThat(r3.statusCode()).isEqualTo(200);
                assertThat(r3.bodyAsJsonObject().getString("userId")).isEqualTo(user.userId());
                assertThat(r3.bodyAsJsonObject().getString("deviceId")).isEqualTo("laptop");
              });
              return null;
            })))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Presenting a spent refresh token answers 401 and revokes its whole family")
  void reuseRevokesFamily(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> client.newUser("phone").compose(user ->
        refresh(client, user.refreshToken()).compose(first -> {
          ctx.verify(() -> assertThat(first.statusCode()).as("first rotation").isEqualTo(200));
          String rotated = first.bodyAsJsonObject().getString("refreshToken");
          return refresh(client, user.refreshToken()).compose(replay ->
              refresh(client, rotated).map(afterReplay -> {
                ctx.verify(() -> {
                  assertError(replay, 401, "unauthorized", "the spent refresh token presented again");
                  assertError(afterReplay, 401, "unauthorized", "the rotated token of a revoked family");
                });
                return null;
              }));
        }))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Revoking one family leaves the same user's other logins working")
  void otherFamiliesSurvive(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> client.newUser("phone").compose(phone ->
        client.login(phone.username(), phone.password(), "desk").compose(desk ->
            refresh(client, phone.refreshToken())
                .compose(r -> refresh(client, phone.refreshToken()))
                .compose(replay -> refresh(client, desk.refreshToken()).map(deskRefresh -> {
                  ctx.verify(() -> {
                    assertThat(replay.statusCode()).isEqualTo(401);
                    assertThat(deskRefresh.statusCode()).as("the other device's refresh token").isEqualTo(200);
                    assertThat(deskRefresh.bodyAsJsonObject().getString("deviceId")).isEqualTo("desk");
                  });
                  return null;
                }))))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Refresh answers 401 for an unknown token and 400 when the token is missing")
  void unknownOrMissing(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> refresh(client, "never-issued-token")
        .compose(unknown -> client.post(REFRESH, new JsonObject()).compose(missing ->
            postRaw(client, REFRESH, "not json").map(garbage -> {
              ctx.verify(() -> {
                assertError(unknown, 401, "unauthorized", "an unknown refresh token");
                assertError(missing, 400, "bad_request", "no refreshToken");
                assertError(garbage, 400, "bad_request", "a non-JSON body");
              });
              return null;
            })))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Refresh answers 401 for a refresh token past its expiry")
  void expiredRefreshToken(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    // With refreshTtlSeconds 0 a refresh token expires the millisecond it is issued: no waiting needed.
    TestNode.start(vertx, dir, c -> c.getJsonObject("auth").put("refreshTtlSeconds", 0)).compose(node -> {
      ChatClient client = new ChatClient(vertx, node.port());
      return client.newUser("phone").compose(user -> refresh(client, user.refreshToken()).map(r -> {
        ctx.verify(() -> assertError(r, 401, "unauthorized", "an expired refresh token"));
        return null;
      }));
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Logout answers 204 with no body, and the refresh token is refused afterwards")
  void logout(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> client.newUser("phone").compose(user ->
        client.post(LOGOUT, new JsonObject().put("refreshToken", user.refreshToken())).compose(out ->
            refresh(client, user.refreshToken()).map(after -> {
              ctx.verify(() -> {
                assertThat(out.statusCode()).isEqualTo(204);
                assertThat(out.body() == null || out.body().length() == 0).as("204 has no body").isTrue();
                assertError(after, 401, "unauthorized", "refresh after logout");
              });
              return null;
            })))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Logout with a rotated refresh token also revokes the rest of its family")
  void logoutAfterRotation(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> client.newUser("phone").compose(user ->
        refresh(client, user.refreshToken()).compose(r1 -> {
          String rotated = r1.bodyAsJsonObject().getString("refreshToken");
          return client.post(LOGOUT, new JsonObject().put("refreshToken", rotated)).compose(out ->
              refresh(client, rotated).map(after -> {
                ctx.verify(() -> {
                  assertThat(out.statusCode()).isEqualTo(204);
                  assertError(after, 401, "unauthorized", "refresh with the logged-out token");
                });
                return null;
              }));
        }))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Logout answers 400 when the refresh token is missing")
  void logoutMissingToken(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> client.post(LOGOUT, new JsonObject())).map(r -> {
      ctx.verify(() -> assertError(r, 400, "bad_request", "logout without refreshToken"));
      return null;
    }).onComplete(ctx.succeedingThenComplete());
  }

  // ---------------------------------------------------------------------------------------------
  // Access-token checks
  // ---------------------------------------------------------------------------------------------

  @Test
  @DisplayName("Authenticated endpoints answer 401 unauthorized without an Authorization header")
  void missingHeader(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> client.get(CONVERSATIONS, null)
        .compose(list -> client.get(CONVERSATIONS + "/d:1:2/messages", null).map(history -> {
          ctx.verify(() -> {
            assertError(list, 401, "unauthorized", "conversation list without a token");
            assertError(history, 401, "unauthorized", "history without a token");
          });
          return null;
        }))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Authenticated endpoints answer 401 unauthorized for a malformed Authorization header, even around a valid token")
  void malformedHeader(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> client.newUser("phone").compose(user -> {
      List<String> headers = List.of("", "Bearer", "Bearer ", "Bearer    ", "Basic dXNlcjpwYXNzd29yZA==",
          "Token " + user.accessToken(), user.accessToken(), "Bearer" + user.accessToken(),
          "Basic " + user.accessToken());
      return each(headers, header -> getWithAuthorization(client, CONVERSATIONS, header));
    })).map(exchanges -> {
      ctx.verify(() -> exchanges.forEach(e ->
          assertError(e.response(), 401, "unauthorized", "Authorization: '" + e.input() + "'")));
      return null;
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Authenticated endpoints accept the Bearer scheme in any letter case")
  void schemeCase(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> client.newUser("phone").compose(user ->
        getWithAuthorization(client, CONVERSATIONS, "bearer " + user.accessToken())
            .compose(lower -> getWithAuthorization(client, CONVERSATIONS, "BEARER " + user.accessToken())
                .map(upper -> {
                  ctx.verify(() -> {
                    assertThat(lower.statusCode()).isEqualTo(200);
                    assertThat(upper.statusCode()).isEqualTo(200);
                  });
                  return null;
                })))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Authenticated endpoints answer 401 unauthorized for tokens that are not JWTs at all")
  void garbageTokens(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    List<String> tokens = List.of("garbage", "a.b.c", "a.b", "...", "eyJhbGciOiJIUzI1NiJ9.e30.",
        "never-issued-refresh-token", pad("x", 5000));
    node(vertx, dir).compose(client -> each(tokens, token -> client.get(CONVERSATIONS, token)))
        .map(exchanges -> {
          ctx.verify(() -> exchanges.forEach(e -> assertError(e.response(), 401, "unauthorized",
              "token '" + abbreviate(e.input()) + "'")));
          return null;
        }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Authenticated endpoints answer 401 unauthorized for a refresh token presented as an access token")
  void refreshTokenIsNotAnAccessToken(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> client.newUser("phone").compose(user ->
        client.get(CONVERSATIONS, user.refreshToken()))).map(r -> {
          ctx.verify(() -> assertError(r, 401, "unauthorized", "a refresh token as bearer"));
          return null;
        }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Authenticated endpoints answer 401 unauthorized for a token signed with another key, tampered with, or unsigned")
  void forgedSignatures(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> client.newUser("phone").compose(alice -> client.newUser("phone")
        .compose(bob -> {
          String[] parts = alice.accessToken().split("\\.");
          String signingInput = parts[0] + "." + parts[1];
          String otherKeySignature = hs256(signingInput, "another-secret-of-at-least-32-characters!!");
          // The same claims, signed with a key the node never had.
          String otherKey = signingInput + "." + otherKeySignature;
          // The first signature byte changed (not the last character, whose low bits are padding).
          String flipped = signingInput + "." + flipFirstChar(parts[2]);
          // Another user's identity under alice's genuine signature.
          JsonObject claims = decodePart(parts[1]).put("sub", bob.userId());
          String swappedClaims = parts[0] + "." + encodePart(claims) + "." + parts[2];
          // No signature at all, with and without "alg":"none".
          String unsigned = signingInput + ".";
          String algNone = encodePart(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + parts[1] + ".";
          List<String> tokens = List.of(otherKey, flipped, swappedClaims, unsigned, algNone);
          return each(tokens, token -> client.get(CONVERSATIONS, token)).compose(exchanges ->
              client.get(CONVERSATIONS, alice.accessToken()).map(genuine -> {
                ctx.verify(() -> {
                  assertThat(genuine.statusCode()).as("the untouched token").isEqualTo(200);
                  List<String> names = List.of("signed with another key", "signature altered",
                      "claims altered", "signature removed", "alg none");
                  for (int i = 0; i < exchanges.size(); i++) {
                    assertError(exchanges.get(i).response(), 401, "unauthorized", names.get(i));
                  }
                });
                return null;
              }));
        }))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Authenticated endpoints accept a hand-made token under the node's key and answer 401 under any other key")
  void tokenOfAnotherKey(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    // The node keeps its generated key in <dataDir>/jwt.key; a token made with the same claims and
    // the node's own key is accepted (the control), the same token under another key is not.
    node(vertx, dir).compose(client -> client.newUser("phone").compose(user -> {
      String key = TestNode.jwtSecret(dir);
      JsonObject claims = decodePart(user.accessToken().split("\\.")[1]);
      String control = jwt(claims, key);
      String foreign = jwt(claims, key.substring(1) + "x");
      return client.get(CONVERSATIONS, control).compose(ok -> client.get(CONVERSATIONS, foreign).map(ko -> {
        ctx.verify(() -> {
          assertThat(ok.statusCode()).as("a token signed with the node's key: %s", ok.bodyAsString())
              .isEqualTo(200);
          assertError(ko, 401, "unauthorized", "a token signed with another key");
        });
        return null;
      }));
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Authenticated endpoints answer 401 unauthorized for a correctly signed token whose exp has passed or whose issuer differs")
  void expiredOrForeignIssuer(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> client.newUser("phone").compose(user -> {
      String key = TestNode.jwtSecret(dir);
      JsonObject claims = decodePart(user.accessToken().split("\\.")[1]);
      long now = System.currentTimeMillis() / 1000;
      String expired = jwt(claims.copy().put("iat", now - 120).put("exp", now - 60), key);
      String otherIssuer = jwt(claims.copy().put("iss", "someone-else"), key);
      String stillValid = jwt(claims.copy().put("iat", now - 120).put("exp", now + 600), key);
      return each(List.of(expired, otherIssuer, stillValid), token -> client.get(CONVERSATIONS, token));
    })).map(exchanges -> {
      ctx.verify(() -> {
        assertError(exchanges.get(0).response(), 401, "unauthorized", "exp a minute ago");
        assertError(exchanges.get(1).response(), 401, "unauthorized", "iss someone-else");
        assertThat(exchanges.get(2).response().statusCode()).as("the control, exp in ten minutes")
            .isEqualTo(200);
      });
      return null;
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Authenticated endpoints answer 401 unauthorized once an issued access token has outlived accessTtlSeconds")
  void expiredAccessToken(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    TestNode.start(vertx, dir, c -> c.getJsonObject("auth").put("accessTtlSeconds", 1)).compose(node -> {
      ChatClient client = new ChatClient(vertx, node.port());
      return client.newUser("phone").compose(user -> {
        JsonObject claims = decodePart(user.accessToken().split("\\.")[1]);
        ctx.verify(() -> assertThat(claims.getLong("exp") - claims.getLong("iat")).isEqualTo(1L));
        // exp has one-second resolution and the node allows no leeway: two seconds always pass it.
        return timer(vertx, 2_000).compose(v -> client.get(CONVERSATIONS, user.accessToken()))
            .compose(r -> refresh(client, user.refreshToken()).map(refreshed -> {
              ctx.verify(() -> {
                assertError(r, 401, "unauthorized", "an access token past its exp");
                assertThat(refreshed.statusCode()).as("the refresh token outlives it").isEqualTo(200);
                assertThat(refreshed.bodyAsJsonObject().getLong("expiresIn")).isEqualTo(1L);
              });
              return null;
            }));
      });
    }).onComplete(ctx.succeedingThenComplete());
  }

  // ---------------------------------------------------------------------------------------------
  // Conversations
  // ---------------------------------------------------------------------------------------------

  @Test
  @DisplayName("The conversation list is empty for a user who has not talked to anyone")
  void emptyConversationList(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> client.newUser("phone")
        .compose(user -> client.get(CONVERSATIONS, user.accessToken()))).map(r -> {
          ctx.verify(() -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.getHeader("Content-Type")).startsWith("application/json");
            assertThat(r.bodyAsJsonObject()).isEqualTo(new JsonObject().put("conversations", new JsonArray()));
          });
          return null;
        }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("The conversation list shows the recipient the last message and 2 unread, and the sender 0 unread")
  void afterTwoMessages(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> client.newUser("phone").compose(alice -> client.newUser("phone")
        .compose(bob -> client.connect(alice)
            .compose(socket -> sendMany(client, alice, socket, bob.userId(), List.of("first", "second ✓")))
            .compose(acks -> client.get(CONVERSATIONS, bob.accessToken())
                .compose(bobs -> client.get(CONVERSATIONS, alice.accessToken()).map(alices -> {
                  ctx.verify(() -> {
                    String id = directId(alice.userId(), bob.userId());
                    JsonObject lastAck = acks.get(1);
                    assertThat(acks.get(0).getString("conversation")).isEqualTo(id);

                    assertThat(bobs.statusCode()).isEqualTo(200);
                    JsonArray bobList = bobs.bodyAsJsonObject().getJsonArray("conversations");
                    assertThat(bobList).hasSize(1);
                    JsonObject bobRow = bobList.getJsonObject(0);
                    assertThat(bobRow.fieldNames())
                        .containsExactlyInAnyOrder("conversationId", "kind", "peer", "lastMessage", "unread");
                    assertThat(bobRow.getString("conversationId")).isEqualTo(id);
                    assertThat(bobRow.getString("kind")).isEqualTo("direct");
                    assertThat(bobRow.getString("peer")).isEqualTo(alice.userId());
                    assertThat(bobRow.getLong("unread")).isEqualTo(2L);
                    assertLastMessage(bobRow.getJsonObject("lastMessage"), lastAck, id, alice.userId(), "second ✓");

                    assertThat(alices.statusCode()).isEqualTo(200);
                    JsonArray aliceList = alices.bodyAsJsonObject().getJsonArray("conversations");
                    assertThat(aliceList).hasSize(1);
                    JsonObject aliceRow = aliceList.getJsonObject(0);
                    assertThat(aliceRow.getString("conversationId")).isEqualTo(id);
                    assertThat(aliceRow.getString("kind")).isEqualTo("direct");
                    assertThat(aliceRow.getString("peer")).isEqualTo(bob.userId());
                    assertThat(aliceRow.getLong("unread")).isEqualTo(0L);
                    assertThat(aliceRow.getJsonObject("lastMessage")).isEqualTo(bobRow.getJsonObject("lastMessage"));
                  });
                  return null;
                })))))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("The conversation list puts the most recently active conversation first, each with its own peer and unread count")
  void conversationOrder(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> client.newUser("phone").compose(alice -> client.newUser("phone")
        .compose(bob -> client.newUser("phone").compose(carol -> client.connect(alice).compose(socket ->
            sendMany(client, alice, socket, bob.userId(), List.of("to bob 1"))
                .compose(x -> sendMany(client, alice, socket, carol.userId(), List.of("to carol 1", "to carol 2")))
                .compose(x -> sendMany(client, alice, socket, bob.userId(), List.of("to bob 2")))
                .compose(x -> sendMany(client, alice, socket, carol.userId(), List.of("to carol 3"))))
            .compose(x -> client.get(CONVERSATIONS, alice.accessToken())
                .compose(alices -> client.get(CONVERSATIONS, carol.accessToken()).map(carols -> {
                  ctx.verify(() -> {
                    JsonArray list = alices.bodyAsJsonObject().getJsonArray("conversations");
                    assertThat(list).hasSize(2);
                    assertThat(list.getJsonObject(0).getString("peer")).isEqualTo(carol.userId());
                    assertThat(list.getJsonObject(0).getJsonObject("lastMessage").getString("body"))
                        .isEqualTo("to carol 3");
                    assertThat(list.getJsonObject(1).getString("peer")).isEqualTo(bob.userId());
                    assertThat(list.getJsonObject(1).getJsonObject("lastMessage").getString("body"))
                        .isEqualTo("to bob 2");
                    JsonArray carolList = carols.bodyAsJsonObject().getJsonArray("conversations");
                    assertThat(carolList).hasSize(1);
                    assertThat(carolList.getJsonObject(0).getLong("unread")).isEqualTo(3L);
                    assertThat(carolList.getJsonObject(0).getString("conversationId"))
                        .isEqualTo(directId(alice.userId(), carol.userId()));
                  });
                  return null;
                }))))))).onComplete(ctx.succeedingThenComplete());
  }

  // ---------------------------------------------------------------------------------------------
  // History
  // ---------------------------------------------------------------------------------------------

  @Test
  @DisplayName("History pages through 60 messages with limit 25, newest first, without gap or repeat")
  void paging(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> pair(client).compose(p -> p.sendNumbered(60).compose(acks -> {
      String path = messagesPath(p.conversationId());
      List<JsonArray> pages = new ArrayList<>();
      return page(client, p.bob(), path + "?limit=25", pages)
          .compose(before -> page(client, p.bob(), path + "?limit=25&before=" + before, pages))
          .compose(before -> page(client, p.bob(), path + "?limit=25&before=" + before, pages))
          .compose(before -> page(client, p.bob(), path + "?limit=25&before=" + before, pages))
          .map(last -> {
            ctx.verify(() -> {
              assertThat(pages).extracting(JsonArray::size).containsExactly(25, 25, 10, 0);
              List<String> walked = new ArrayList<>();
              pages.forEach(pageArray -> pageArray.forEach(m -> walked.add(((JsonObject) m).getString("msgId"))));
              List<String> expected = new ArrayList<>(acks.stream().map(a -> a.getString("msgId")).toList());
              java.util.Collections.reverse(expected);
              assertThat(walked).containsExactlyElementsOf(expected);
              JsonObject newest = pages.get(0).getJsonObject(0);
              assertThat(newest.fieldNames())
                  .containsExactlyInAnyOrder("msgId", "conversation", "from", "kind", "body", "ts");
              assertThat(newest.getValue("msgId")).isInstanceOf(String.class);
              assertThat(newest.getString("conversation")).isEqualTo(p.conversationId());
              assertThat(newest.getString("from")).isEqualTo(p.alice().userId());
              assertThat(newest.getString("kind")).isEqualTo("text");
              assertThat(newest.getString("body")).isEqualTo("m59");
              assertThat(newest.getLong("ts")).isEqualTo(acks.get(59).getLong("ts"));
              JsonObject oldest = pages.get(2).getJsonObject(9);
              assertThat(oldest.getString("body")).isEqualTo("m0");
            });
            return null;
          });
    }))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("History answers the same page to both participants")
  void bothParticipants(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> pair(client).compose(p -> p.sendNumbered(3).compose(acks ->
        client.get(messagesPath(p.conversationId()), p.alice().accessToken()).compose(a ->
            client.get(messagesPath(p.conversationId()), p.bob().accessToken()).map(b -> {
              ctx.verify(() -> {
                assertThat(a.statusCode()).isEqualTo(200);
                assertThat(b.statusCode()).isEqualTo(200);
                assertThat(a.bodyAsJsonObject()).isEqualTo(b.bodyAsJsonObject());
                assertThat(a.bodyAsJsonObject().getJsonArray("messages")).hasSize(3);
              });
              return null;
            }))))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("History answers the newest 50 messages when no limit is given")
  void defaultLimit(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> pair(client).compose(p -> p.sendNumbered(60).compose(acks ->
        client.get(messagesPath(p.conversationId()), p.alice().accessToken()).map(r -> {
          ctx.verify(() -> {
            assertThat(r.statusCode()).isEqualTo(200);
            JsonArray messages = r.bodyAsJsonObject().getJsonArray("messages");
            assertThat(messages).hasSize(50);
            assertThat(messages.getJsonObject(0).getString("msgId")).isEqualTo(acks.get(59).getString("msgId"));
            assertThat(messages.getJsonObject(49).getString("msgId")).isEqualTo(acks.get(10).getString("msgId"));
          });
          return null;
        })))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("History accepts limits 1 and 100 and rejects 0, 101, -1 and non-integers with 400 bad_request")
  void limits(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> pair(client).compose(p -> {
      String path = messagesPath(p.conversationId());
      return client.get(path, p.bob().accessToken()).compose(empty -> p.sendNumbered(2).compose(acks ->
          each(List.of("1", "100"), limit -> client.get(path + "?limit=" + limit, p.bob().accessToken()))
              .compose(good -> each(List.of("0", "101", "-1", "abc", "1.5", "", "99999999999999999999"),
                  limit -> client.get(path + "?limit=" + limit, p.bob().accessToken())).map(bad -> {
                    ctx.verify(() -> {
                      assertThat(empty.statusCode()).isEqualTo(200);
                      assertThat(empty.bodyAsJsonObject()).isEqualTo(new JsonObject().put("messages", new JsonArray()));
                      assertThat(good.get(0).response().statusCode()).isEqualTo(200);
                      assertThat(good.get(0).response().bodyAsJsonObject().getJsonArray("messages")).hasSize(1);
                      assertThat(good.get(0).response().bodyAsJsonObject().getJsonArray("messages")
                          .getJsonObject(0).getString("msgId")).isEqualTo(acks.get(1).getString("msgId"));
                      assertThat(good.get(1).response().statusCode()).isEqualTo(200);
                      assertThat(good.get(1).response().bodyAsJsonObject().getJsonArray("messages")).hasSize(2);
                      bad.forEach(e -> assertError(e.response(), 400, "bad_request", "limit=" + e.input()));
                    });
                    return null;
                  }))));
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("History rejects with 400 bad_request a before that is not a positive msgId")
  void badBefore(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> pair(client).compose(p -> {
      String path = messagesPath(p.conversationId());
      return each(List.of("xyz", "0", "-5", "12abc", ""),
          before -> client.get(path + "?before=" + before, p.bob().accessToken()));
    })).map(exchanges -> {
      ctx.verify(() -> exchanges.forEach(e ->
          assertError(e.response(), 400, "bad_request", "before=" + e.input())));
      return null;
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("History answers 403 forbidden to a user who is not a participant")
  void notAParticipant(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> pair(client).compose(p -> p.sendNumbered(1).compose(acks ->
        client.newUser("phone").compose(eve ->
            client.get(messagesPath(p.conversationId()), eve.accessToken()).map(r -> {
              ctx.verify(() -> {
                assertError(r, 403, "forbidden", "a third user reading alice and bob's history");
                assertThat(r.bodyAsString()).doesNotContain("m0");
              });
              return null;
            }))))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("History answers 400 bad_request for a malformed conversation id, including a direct id in the wrong order")
  void malformedId(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> pair(client).compose(p -> {
      String a = p.alice().userId();
      String b = p.bob().userId();
      String smaller = a.compareTo(b) < 0 ? a : b;
      String larger = a.compareTo(b) < 0 ? b : a;
      List<String> ids = List.of("d:" + larger + ":" + smaller, "d:" + smaller + ":" + smaller, "d:" + smaller,
          "d::" + larger, "d:" + smaller + ":", "d:" + smaller + ":" + larger + ":x", "x:" + smaller,
          smaller + ":" + larger, "g:", "garbage");
      return each(ids, id -> client.get(messagesPath(id), p.alice().accessToken()));
    })).map(exchanges -> {
      ctx.verify(() -> exchanges.forEach(e ->
          assertError(e.response(), 400, "bad_request", "conversation id '" + e.input() + "'")));
      return null;
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("History answers 404 not_found for a group id")
  void groupId(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> client.newUser("phone")
        .compose(user -> client.get(messagesPath("g:123"), user.accessToken()))).map(r -> {
          ctx.verify(() -> assertError(r, 404, "not_found", "group g:123"));
          return null;
        }).onComplete(ctx.succeedingThenComplete());
  }

  // ---------------------------------------------------------------------------------------------
  // Health, unknown paths, secrets
  // ---------------------------------------------------------------------------------------------

  @Test
  @DisplayName("GET /health answers 200 up and GET /ready answers 200 ready, without a token")
  void health(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> client.get("/health", null).compose(health ->
        client.get("/ready", null).map(ready -> {
          ctx.verify(() -> {
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.getHeader("Content-Type")).startsWith("application/json");
            assertThat(health.bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", "up"));
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", "ready"));
          });
          return null;
        }))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("An unknown path answers 404 with a JSON not_found error, inside and outside /api")
  void unknownPath(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> client.newUser("phone").compose(user ->
        each(List.of("/nope", "/api/v1/nope", "/api/v2/conversations", "/api/v1/conversations/d:1:2"),
            path -> client.get(path, user.accessToken()))
            .compose(gets -> client.post("/api/v1/auth/nope", new JsonObject()).map(post -> {
              ctx.verify(() -> {
                gets.forEach(e -> assertError(e.response(), 404, "not_found", "GET " + e.input()));
                assertError(post, 404, "not_found", "POST /api/v1/auth/nope");
              });
              return null;
            })))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("A known path with the wrong method answers 405 with a JSON error body")
  void wrongMethod(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    node(vertx, dir).compose(client -> client.get(LOGIN, null)
        .compose(get -> client.post("/health", new JsonObject()).map(post -> {
          ctx.verify(() -> {
            assertError(get, 405, "bad_request", "GET " + LOGIN);
            assertError(post, 405, "bad_request", "POST /health");
          });
          return null;
        }))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("No response carries the password or its hash: register, login, refresh, failures")
  void noSecrets(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    String username = ChatClient.uniqueName("sec");
    String password = "Very-Secret-Password-" + username;
    node(vertx, dir).compose(client -> {
      List<HttpResponse<Buffer>> responses = new ArrayList<>();
      Function<HttpResponse<Buffer>, HttpResponse<Buffer>> keep = r -> {
        responses.add(r);
        return r;
      };
      return register(client, username, password).map(keep)
          .compose(r -> register(client, username, password)).map(keep)
          .compose(r -> client.post(LOGIN, credentials(username, password).put("deviceId", "d1"))).map(keep)
          .compose(r -> refresh(client, r.bodyAsJsonObject().getString("refreshToken"))).map(keep)
          .compose(r -> client.get(CONVERSATIONS, r.bodyAsJsonObject().getString("accessToken"))).map(keep)
          .compose(r -> client.post(LOGIN, credentials(username, password + "x"))).map(keep)
          .compose(r -> client.post(LOGIN, credentials(username, password).put("deviceId", "bad id"))).map(keep)
          .map(r -> {
            ctx.verify(() -> {
              assertThat(responses).extracting(HttpResponse::statusCode)
                  .containsExactly(201, 409, 200, 200, 200, 401, 400);
              responses.forEach(resp -> assertNoSecrets(resp, password));
            });
            return null;
          });
    }).onComplete(ctx.succeedingThenComplete());
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers
  // ---------------------------------------------------------------------------------------------

  /** One input and the response it got. */
  record Exchange<T>(T input, HttpResponse<Buffer> response) {
  }

  /** Alice and Bob, and alice's open socket. */
  record Pair(ChatClient client, User alice, User bob, TestSocket aliceSocket, String conversationId) {
    /** Alice sends bob "m0".."m{n-1}", one at a time, each after the previous ack. */
    Future<List<JsonObject>> sendNumbered(int n) {
      List<String> bodies = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        bodies.add("m" + i);
      }
      return sendMany(client, alice, aliceSocket, bob.userId(), bodies);
    }
  }

  private static Future<ChatClient> node(Vertx vertx, Path dir) {
    return TestNode.client(vertx, dir);
  }

  private static Future<Pair> pair(ChatClient client) {
    return client.newUser("phone").compose(alice -> client.newUser("phone").compose(bob ->
        client.connect(alice).map(socket -> new Pair(client, alice, bob, socket, directId(alice.userId(), bob.userId())))));
  }

  /**
   * Sends each body in turn and collects the acks; fails on anything but an ack. Completes once the
   * last one is in history (and so are the conversation lists), which in the cluster is after its ack.
   */
  private static Future<List<JsonObject>> sendMany(ChatClient client, User from, TestSocket socket, String to,
                                                   List<String> bodies) {
    List<JsonObject> acks = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (String body : bodies) {
      chain = chain.compose(v -> socket.sendText(ChatClient.uniqueName("c"), to, body).compose(frame -> {
        if (!"ack".equals(frame.getString("type"))) {
          return Future.failedFuture("expected an ack for '" + body + "', got " + frame.encode());
        }
        acks.add(frame);
        return Future.succeededFuture();
      }));
    }
    return chain.compose(v -> {
      JsonObject last = acks.get(acks.size() - 1);
      return client.awaitStored(from, last.getString("conversation"), last.getString("msgId"));
    }).map(v -> acks);
  }

  /** Reads one history page into {@code pages}; answers the msgId to continue before (or null at the end). */
  private static Future<String> page(ChatClient client, User user, String path, List<JsonArray> pages) {
    return client.get(path, user.accessToken()).compose(r -> {
      if (r.statusCode() != 200) {
        return Future.failedFuture("GET " + path + " answered " + r.statusCode() + " " + r.bodyAsString());
      }
      JsonArray messages = r.bodyAsJsonObject().getJsonArray("messages");
      pages.add(messages);
      return Future.succeededFuture(messages.isEmpty() ? null
          : messages.getJsonObject(messages.size() - 1).getString("msgId"));
    });
  }

  /** Runs {@code call} for each input, one after the other. */
  private static <T> Future<List<Exchange<T>>> each(List<T> inputs,
                                                   Function<T, Future<HttpResponse<Buffer>>> call) {
    List<Exchange<T>> out = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (T input : inputs) {
      chain = chain.compose(v -> call.apply(input).map(r -> {
        out.add(new Exchange<>(input, r));
        return null;
      }));
    }
    return chain.map(v -> out);
  }

  private static Future<HttpResponse<Buffer>> register(ChatClient client, String username, String password) {
    return client.post(REGISTER, credentials(username, password));
  }

  private static Future<HttpResponse<Buffer>> refresh(ChatClient client, String refreshToken) {
    return client.post(REFRESH, new JsonObject().put("refreshToken", refreshToken));
  }

  private static Future<HttpResponse<Buffer>> postRaw(ChatClient client, String path, String body) {
    return client.http.post(path).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body, "UTF-8"));
  }

  private static Future<HttpResponse<Buffer>> getWithAuthorization(ChatClient client, String path, String header) {
    return client.http.get(path).putHeader("Authorization", header).send();
  }

  private static Future<Void> timer(Vertx vertx, long ms) {
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(ms, id -> promise.complete());
    return promise.future();
  }

  private static JsonObject credentials(String username, String password) {
    return new JsonObject().put("username", username).put("password", password);
  }

  private static String messagesPath(String conversationId) {
    return CONVERSATIONS + "/" + conversationId + "/messages";
  }

  private static String directId(String a, String b) {
    return a.compareTo(b) < 0 ? "d:" + a + ":" + b : "d:" + b + ":" + a;
  }

  private static void assertError(HttpResponse<Buffer> r, int status, String code, String what) {
    assertThat(r.statusCode()).as("%s: status (body %s)", what, r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).as("%s: content type", what).startsWith("application/json");
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.fieldNames()).as("%s: body %s", what, body.encode()).containsExactly("error");
    JsonObject error = body.getJsonObject("error");
    assertThat(error.getString("code")).as("%s: error code", what).isEqualTo(code);
    assertThat(error.getString("message")).as("%s: error message", what).isNotBlank();
  }

  private static void assertTokenPair(JsonObject body) {
    assertThat(body.fieldNames())
        .containsExactlyInAnyOrder("accessToken", "refreshToken", "expiresIn", "userId", "deviceId");
    assertThat(body.getString("accessToken")).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    assertThat(body.getString("refreshToken")).isNotBlank().isNotEqualTo(body.getString("accessToken"));
    assertThat(body.getValue("expiresIn")).isInstanceOf(Number.class);
    assertThat(body.getLong("expiresIn")).isPositive();
    assertThat(body.getString("userId")).isNotBlank();
    assertThat(body.getString("deviceId")).isNotBlank();
  }

  private static void assertLastMessage(JsonObject last, JsonObject ack, String conversationId, String from,
                                        String body) {
    assertThat(last.fieldNames()).containsExactlyInAnyOrder("msgId", "conversation", "from", "kind", "body", "ts");
    assertThat(last.getValue("msgId")).isInstanceOf(String.class);
    assertThat(last.getString("msgId")).isEqualTo(ack.getString("msgId"));
    assertThat(last.getString("conversation")).isEqualTo(conversationId);
    assertThat(last.getString("from")).isEqualTo(from);
    assertThat(last.getString("kind")).isEqualTo("text");
    assertThat(last.getString("body")).isEqualTo(body);
    assertThat(last.getValue("ts")).isInstanceOf(Number.class);
    assertThat(last.getLong("ts")).isEqualTo(ack.getLong("ts"));
  }

  /** Neither the password nor anything that looks like its stored hash appears in a response. */
  private static void assertNoSecrets(HttpResponse<Buffer> r, String password) {
    String text = r.bodyAsString() == null ? "" : r.bodyAsString();
    assertThat(text).as("response %d", r.statusCode()).doesNotContain(password)
        .doesNotContainIgnoringCase("argon2").doesNotContainIgnoringCase("passwordHash")
        .doesNotContainIgnoringCase("password_hash");
    r.headers().forEach((name, value) -> assertThat(value).as("header %s", name).doesNotContain(password));
  }

  /** An HS256 JWT of {@code claims}, built by hand so the test controls every byte. */
  private static String jwt(JsonObject claims, String key) {
    String signingInput = encodePart(new JsonObject().put("typ", "JWT").put("alg", "HS256")) + "." + encodePart(claims);
    return signingInput + "." + hs256(signingInput, key);
  }

  private static String hs256(String signingInput, String key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return B64URL.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String encodePart(JsonObject json) {
    return B64URL.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  private static JsonObject decodePart(String part) {
    return new JsonObject(new String(B64URL_DECODER.decode(part), StandardCharsets.UTF_8));
  }

  private static String flipFirstChar(String signature) {
    char first = signature.charAt(0);
    return (first == 'A' ? 'B' : 'A') + signature.substring(1);
  }

  /** {@code json} with a "pad" field that brings its UTF-8 encoding to exactly {@code bytes}. */
  private static String sized(JsonObject json, int bytes) {
    int bare = json.copy().put("pad", "").encode().getBytes(StandardCharsets.UTF_8).length;
    return json.copy().put("pad", pad("", bytes - bare)).encode();
  }

  private static String pad(String start, int length) {
    StringBuilder s = new StringBuilder(start);
    while (s.length() < length) {
      s.append('x');
    }
    return s.substring(0, length);
  }

  private static String shortName() {
    // Three characters, unique enough within one fresh node.
    return "a" + Integer.toString((int) (ProcessHandle.current().pid() % 36), 36) + "z";
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

}
