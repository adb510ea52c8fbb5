package chat.media;

import chat.protocol.ChatException;
import chat.protocol.ErrorCode;
import io.vertx.core.buffer.Buffer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Image dimensions and thumbnails. {@link #decode} is blocking (it reads and decodes the file) and
 * runs on a worker thread. JPEG, PNG and GIF (its first frame) are decoded by javax.imageio; it
 * cannot decode WebP, so a WebP image gets its dimensions from its header ({@link #webpSize}) and no
 * thumbnail. A picture that cannot be decoded is refused as {@code unsupported_media}.
 */
final class Images {
  /** The longest side of a thumbnail, in pixels. */
  static final int THUMBNAIL_SIDE = 320;
  /** Larger images are refused: decoding time grows with the pixel count. */
  static final long MAX_PIXELS = 100_000_000L;
  private static final float JPEG_QUALITY = 0.8f;

  /** An image's size and, when it could be decoded, its JPEG thumbnail. */
  record Facts(int width, int height, Buffer thumbnail, int thumbnailWidth, int thumbnailHeight) {
  }

  private Images() {
  }

  /** Decodes the image in {@code file} (JPEG, PNG or GIF) at a reduced resolution and makes its thumbnail. */
  static Facts decode(Path file, String contentType) {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(contentType);
      if (in == null || !readers.hasNext()) {
        throw undecodable();
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (width < 1 || height < 1 || (long) width * height > MAX_PIXELS) {
          throw new ChatException(ErrorCode.UNSUPPORTED_MEDIA, "images may have at most " + MAX_PIXELS + " pixels");
        }
        // Read every n-th pixel only: enough for a 320 px thumbnail, and memory stays small for any size.
        ImageReadParam param = reader.getDefaultReadParam();
        int step = Math.max(1, Math.max(width, height) / (2 * THUMBNAIL_SIDE));
        param.setSourceSubsampling(step, step, 0, 0);
        BufferedImage source = reader.read(0, param);
        double scale = Math.min(1.0, (double) THUMBNAIL_SIDE / Math.max(width, height));
        int thumbWidth = Math.max(1, (int) Math.round(width * scale));
        int thumbHeight = Math.max(1, (int) Math.round(height * scale));
        return new Facts(width, height, jpeg(source, thumbWidth, thumbHeight), thumbWidth, thumbHeight);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof ChatException chat) {
        throw chat;
      }
      throw undecodable();
    }
  }

  private static Buffer jpeg(BufferedImage source, int width, int height) throws IOException {
    BufferedImage thumbnail = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = thumbnail.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(source, 0, 0, width, height, Color.WHITE, null); // transparency becomes white
    } finally {
      g.dispose();
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(JPEG_QUALITY);
      writer.setOutput(out);
      writer.write(null, new IIOImage(thumbnail, null, null), param);
    } finally {
      writer.dispose();
    }
    return Buffer.buffer(bytes.toByteArray());
  }

  /**
   * A WebP image's canvas size from its header: the VP8X extended header, else the VP8 (lossy) or
   * VP8L (lossless) bitstream header. {@code int[] {width, height}}; {@code unsupported_media} when
   * the header is not one of those.
   */
  static int[] webpSize(Buffer head) {
    if (head.length() >= 30) {
      String chunk = head.getString(12, 16, "ISO-8859-1");
      switch (chunk) {
        case "VP8X" -> {
          return new int[] {1 + uint24(head, 24), 1 + uint24(head, 27)};
        }
        case "VP8 " -> {
          if (head.getUnsignedByte(23) == 0x9D && head.getUnsignedByte(24) == 0x01 && head.getUnsignedByte(25) == 0x2A) {
            return new int[] {head.getUnsignedShortLE(26) & 0x3FFF, head.getUnsignedShortLE(28) & 0x3FFF};
          }
        }
        case "VP8L" -> {
          if (head.getUnsignedByte(20) == 0x2F) {
            long bits = head.getUnsignedIntLE(21);
            return new int[] {1 + (int) (bits & 0x3FFF), 1 + (int) ((bits >> 14) & 0x3FFF)};
          }
        }
        default -> {
          // not a still image header
        }
      }
    }
    throw undecodable();
  }

  private static int uint24(Buffer b, int offset) {
    return b.getUnsignedByte(offset) | b.getUnsignedByte(offset + 1) << 8 | b.getUnsignedByte(offset + 2) << 16;
  }

  private static ChatException undecodable() {
    return new ChatException(ErrorCode.UNSUPPORTED_MEDIA, "the image cannot be decoded");
  }
}
