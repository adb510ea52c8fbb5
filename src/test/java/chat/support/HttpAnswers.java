package chat.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

/** Checks of REST answers shared by the end-to-end suites. */
public final class HttpAnswers {
  private HttpAnswers() {
  }

  /** The answer's JSON body; fails unless its status is {@code status}. */
  public static Future<JsonObject> expect(int status, Future<HttpResponse<Buffer>> call) {
    return call.compose(r -> r.statusCode() == status ? Future.succeededFuture(r.bodyAsJsonObject())
        : Future.failedFuture("expected " + status + ", got " + r.statusCode() + " " + r.bodyAsString()));
  }

  /** Asserts an error envelope with this status and code. */
  public static void assertError(HttpResponse<Buffer> r, int status, String code) {
    assertThat(r.statusCode()).as("%s", r.bodyAsString()).isEqualTo(status);
    assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo(code);
  }
}
