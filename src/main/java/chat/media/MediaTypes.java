package chat.media;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The type of an upload, read from its first bytes (magic numbers), never taken from the client:
 * JPEG, PNG, GIF and WebP images; MP4 and WebM video; Ogg, MP3 and M4A audio; anything else is a
 * file, {@value #FILE}. A declared {@code Content-Type} is only compared with what the bytes are.
 */
public final class MediaTypes {
  public static final String JPEG = "image/jpeg";
  public static final String PNG = "image/png";
  public static final String GIF = "image/gif";
  public static final String WEBP = "image/webp";
  public static final String MP4 = "video/mp4";
  public static final String WEBM = "video/webm";
  public static final String OGG = "audio/ogg";
  public static final String MP3 = "audio/mpeg";
  public static final String M4A = "audio/mp4";
  public static final String FILE = "application/octet-stream";

  /** Other names clients use for the types above. */
  private static final Map<String, String> ALIASES = Map.of(
      "image/jpg", JPEG, "image/pjpeg", JPEG, "audio/mp3", MP3, "audio/x-mp3", MP3, "audio/x-m4a", M4A,
      "audio/m4a", M4A, "application/ogg", OGG, "audio/x-mpeg", MP3);
  /** ISO base media brands that are audio only (M4A, audiobooks) and ones that are not video at all (HEIF, AVIF, QuickTime). */
  private static final Set<String> AUDIO_BRANDS = Set.of("M4A ", "M4B ", "F4A ");
  private static final Set<String> NOT_MP4_VIDEO_BRANDS = Set.of("heic", "heix", "mif1", "msf1", "avif", "avis", "qt  ");

  private MediaTypes() {
  }

  /** The type the bytes are, from the first few dozen of them. */
  public static String sniff(Buffer head) {
    byte[] b = head.getBytes(0, Math.min(head.length(), 64));
    if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
      return JPEG;
    }
    if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return PNG;
    }
    if (ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a")) {
      return GIF;
    }
    if (ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP")) {
      return WEBP;
    }
    if (ascii(b, 4, "ftyp") && b.length >= 12) {
      String brand = new String(b, 8, 4, StandardCharsets.ISO_8859_1);
      return AUDIO_BRANDS.contains(brand) ? M4A : NOT_MP4_VIDEO_BRANDS.contains(brand) ? FILE : MP4;
    }
    if (startsWith(b, 0, 0x1A, 0x45, 0xDF, 0xA3)) {
      // EBML: WebM names its DocType "webm" in the header; other Matroska files are plain files.
      return new String(b, StandardCharsets.ISO_8859_1).contains("webm") ? WEBM : FILE;
    }
    if (ascii(b, 0, "OggS")) {
      return OGG;
    }
    if (ascii(b, 0, "ID3") || isMpegAudioFrame(b)) {
      return MP3;
    }
    return FILE;
  }

  /** An MPEG audio frame header: 11 sync bits, a valid version, layer I, II or III (not AAC's 00). */
  private static boolean isMpegAudioFrame(byte[] b) {
    return b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xE0) == 0xE0 && (b[1] & 0x18) != 0x08
        && (b[1] & 0x06) != 0;
  }

  /**
   * Whether a declared {@code Content-Type} contradicts the sniffed type: a declared image, video or
   * audio type must name exactly what the bytes are (aliases allowed); any other declared type must
   * not be put on bytes that are image, video or audio. No type, or {@value #FILE}, declares nothing.
   */
  public static boolean contradicts(String declared, String sniffed) {
    String type = canonical(declared);
    if (type == null || type.equals(FILE)) {
      return false;
    }
    boolean declaredMedia = isMedia(type);
    return declaredMedia ? !type.equals(sniffed) : isMedia(sniffed);
  }

  /** The declared type without parameters, lower case, aliases resolved; null when none was given. */
  static String canonical(String declared) {
    if (declared == null || declared.isBlank()) {
      return null;
    }
    int semicolon = declared.indexOf(';');
    String type = (semicolon < 0 ? declared : declared.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    return ALIASES.getOrDefault(type, type);
  }

  /** image/..., video/... or audio/...: served inline; everything else is a file, served as an attachment. */
  public static boolean isMedia(String type) {
    return type.startsWith("image/") || type.startsWith("video/") || type.startsWith("audio/");
  }

  private static boolean startsWith(byte[] b, int offset, int... expected) {
    if (b.length < offset + expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if ((b[offset + i] & 0xFF) != (expected[i] & 0xFF)) {
        return false;
      }
    }
    return true;
  }

  private static boolean ascii(byte[] b, int offset, String expected) {
    return startsWith(b, offset, expected.chars().toArray());
  }
}
