package chat.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --name value} parameters of one run. Scenarios read what they understand, each with a
 * default; {@link #rejectUnread} then refuses a misspelt parameter instead of silently ignoring it.
 * Every value a scenario read, default or given, ends up in {@link #used}, so the result file records
 * the whole configuration of the run.
 */
public final class Params {
  private final Map<String, String> given;
  private final Set<String> read = new HashSet<>();
  private final Map<String, Object> used = new LinkedHashMap<>();

  private Params(Map<String, String> given) {
    this.given = given;
  }

  /** Parses {@code --name value} pairs; a flag without a value (the last word, or one followed by another flag) is "true". */
  public static Params parse(List<String> args) {
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String word = args.get(i);
      if (!word.startsWith("--") || word.length() == 2) {
        throw new IllegalArgumentException("expected --name, got '" + word + "'");
      }
      boolean hasValue = i + 1 < args.size() && !args.get(i + 1).startsWith("--");
      given.put(word.substring(2), hasValue ? args.get(++i) : "true");
    }
    return new Params(given);
  }

  public String string(String name, String fallback) {
    read.add(name);
    String value = given.getOrDefault(name, fallback);
    used.put(name, value);
    return value;
  }

  public long number(String name, long fallback) {
    read.add(name);
    String text = given.get(name);
    long value;
    try {
      value = text == null ? fallback : Long.parseLong(text.replace("_", "").replace(",", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + text + "'");
    }
    if (value < 0) {
      throw new IllegalArgumentException("--" + name + " must not be negative, got " + value);
    }
    used.put(name, value);
    return value;
  }

  public int integer(String name, int fallback) {
    long value = number(name, fallback);
    if (value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("--" + name + " is too large: " + value);
    }
    return (int) value;
  }

  public boolean flag(String name) {
    read.add(name);
    boolean value = Boolean.parseBoolean(given.getOrDefault(name, "false"));
    used.put(name, value);
    return value;
  }

  /** A duration such as {@code 30s}, {@code 500ms}, {@code 2m}; a bare number is seconds. */
  public Duration duration(String name, Duration fallback) {
    read.add(name);
    String text = given.get(name);
    Duration value = text == null ? fallback : parseDuration(name, text);
    used.put(name, text == null ? format(fallback) : text);
    return value;
  }

  /** A comma-separated list; empty when not given and the fallback is empty. */
  public List<String> list(String name, String fallback) {
    String text = string(name, fallback);
    List<String> items = new ArrayList<>();
    for (String item : text.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    return items;
  }

  public boolean has(String name) {
    return given.containsKey(name);
  }

  /** Every parameter read, with the value it had, in the order read. */
  public Map<String, Object> used() {
    return new LinkedHashMap<>(used);
  }

  /** Fails on a parameter that no one read: a typo would otherwise run with the default. */
  public void rejectUnread() {
    List<String> unknown = given.keySet().stream().filter(name -> !read.contains(name)).toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown parameter(s) for this scenario: --" + String.join(", --", unknown));
    }
  }

  static Duration parseDuration(String name, String text) {
    try {
      if (text.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
      }
      if (text.endsWith("s")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 1000));
      }
      if (text.endsWith("m")) {
        return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)) * 60);
      }
      return Duration.ofMillis(Math.round(Double.parseDouble(text) * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a duration such as 30s, 500ms or 2m, got '" + text + "'");
    }
  }

  static String format(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
