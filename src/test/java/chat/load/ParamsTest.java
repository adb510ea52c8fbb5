package chat.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ParamsTest {
  @Test
  @DisplayName("Values given on the command line win over defaults, and both are recorded as used")
  void givenAndDefaults() {
    Params params = Params.parse(List.of("--pairs", "20", "--duration", "500ms", "--deflate"));
    assertThat(params.integer("pairs", 50)).isEqualTo(20);
    assertThat(params.integer("window", 10)).isEqualTo(10);
    assertThat(params.duration("duration", Duration.ofSeconds(30))).isEqualTo(Duration.ofMillis(500));
    assertThat(params.flag("deflate")).isTrue();
    assertThat(params.used()).containsEntry("pairs", 20L).containsEntry("window", 10L)
        .containsEntry("duration", "500ms").containsEntry("deflate", true);
  }

  @Test
  @DisplayName("Durations read as seconds, milliseconds or minutes, and numbers may have digit separators")
  void units() {
    Params params = Params.parse(List.of("--a", "2m", "--b", "1.5s", "--c", "3", "--n", "100_000"));
    assertThat(params.duration("a", Duration.ZERO)).isEqualTo(Duration.ofMinutes(2));
    assertThat(params.duration("b", Duration.ZERO)).isEqualTo(Duration.ofMillis(1500));
    assertThat(params.duration("c", Duration.ZERO)).isEqualTo(Duration.ofSeconds(3));
    assertThat(params.number("n", 0)).isEqualTo(100_000);
  }

  @Test
  @DisplayName("A parameter no scenario reads is refused, so a typo does not silently run with a default")
  void unknownRefused() {
    Params params = Params.parse(List.of("--pairs", "2", "--windw", "5"));
    params.integer("pairs", 1);
    params.integer("window", 1);
    assertThatThrownBy(params::rejectUnread).hasMessageContaining("--windw");
  }

  @Test
  @DisplayName("Malformed values and words that are not flags are refused with the parameter's name")
  void malformed() {
    assertThatThrownBy(() -> Params.parse(List.of("pairs", "2"))).hasMessageContaining("expected --name");
    assertThatThrownBy(() -> Params.parse(List.of("--pairs", "two")).integer("pairs", 1)).hasMessageContaining("--pairs");
    assertThatThrownBy(() -> Params.parse(List.of("--rate", "-5")).number("rate", 0)).hasMessageContaining("negative");
    assertThatThrownBy(() -> Params.parse(List.of("--hold", "soon")).duration("hold", Duration.ZERO))
        .hasMessageContaining("--hold");
  }
}
