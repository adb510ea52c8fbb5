package chat.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MediaTypesTest {
  private static Buffer head(Object... parts) {
    Buffer b = Buffer.buffer();
    for (Object part : parts) {
      if (part instanceof String s) {
        b.appendString(s, "ISO-8859-1");
      } else {
        b.appendByte((byte) (int) (Integer) part);
      }
    }
    return b.appendString("0123456789abcdef0123456789abcdef");
  }

  @Test
  @DisplayName("Magic numbers name each supported type; ISO media brands split MP4 video, M4A audio and other files")
  void sniffsMagicNumbers() {
    assertThat(MediaTypes.sniff(head(0xFF, 0xD8, 0xFF, 0xE0))).isEqualTo("image/jpeg");
    assertThat(MediaTypes.sniff(head(0x89, "PNG", 0x0D, 0x0A, 0x1A, 0x0A))).isEqualTo("image/png");
    assertThat(MediaTypes.sniff(head("GIF89a"))).isEqualTo("image/gif");
    assertThat(MediaTypes.sniff(head("RIFF", 0, 0, 0, 0, "WEBPVP8 "))).isEqualTo("image/webp");
    assertThat(MediaTypes.sniff(head("RIFF", 0, 0, 0, 0, "WAVEfmt "))).isEqualTo("application/octet-stream");
    assertThat(MediaTypes.sniff(head(0, 0, 0, 0x18, "ftypmp42"))).isEqualTo("video/mp4");
    assertThat(MediaTypes.sniff(head(0, 0, 0, 0x18, "ftypM4A "))).isEqualTo("audio/mp4");
    assertThat(MediaTypes.sniff(head(0, 0, 0, 0x18, "ftypheic"))).isEqualTo("application/octet-stream");
    assertThat(MediaTypes.sniff(head(0x1A, 0x45, 0xDF, 0xA3, 0x42, 0x82, 0x84, "webm"))).isEqualTo("video/webm");
    assertThat(MediaTypes.sniff(head(0x1A, 0x45, 0xDF, 0xA3, 0x42, 0x82, 0x88, "matroska")))
        .isEqualTo("application/octet-stream");
    assertThat(MediaTypes.sniff(head("OggS"))).isEqualTo("audio/ogg");
    assertThat(MediaTypes.sniff(head("ID3", 4))).isEqualTo("audio/mpeg");
    assertThat(MediaTypes.sniff(head(0xFF, 0xFB, 0x90))).as("an MPEG-1 layer III frame").isEqualTo("audio/mpeg");
    assertThat(MediaTypes.sniff(head(0xFF, 0xF1, 0x50))).as("AAC (ADTS), not MP3").isEqualTo("application/octet-stream");
    assertThat(MediaTypes.sniff(Buffer.buffer("<svg xmlns='http://www.w3.org/2000/svg'/>")))
        .isEqualTo("application/octet-stream");
    assertThat(MediaTypes.sniff(Buffer.buffer())).isEqualTo("application/octet-stream");
  }

  @Test
  @DisplayName("A declared type contradicts the bytes when it names another media type, or a non-media type for media bytes")
  void declaredTypes() {
    assertThat(MediaTypes.contradicts(null, "image/png")).isFalse();
    assertThat(MediaTypes.contradicts("application/octet-stream", "video/mp4")).isFalse();
    assertThat(MediaTypes.contradicts("Image/JPG; q=1", "image/jpeg")).isFalse();
    assertThat(MediaTypes.contradicts("audio/mp3", "audio/mpeg")).isFalse();
    assertThat(MediaTypes.contradicts("text/plain", "application/octet-stream")).isFalse();
    assertThat(MediaTypes.contradicts("image/png", "image/jpeg")).isTrue();
    assertThat(MediaTypes.contradicts("video/mp4", "application/octet-stream")).isTrue();
    assertThat(MediaTypes.contradicts("application/pdf", "image/gif")).isTrue();
  }
}
