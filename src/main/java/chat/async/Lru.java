package chat.async;

import java.util.LinkedHashMap;
import java.util.Map;

/** A small thread-safe LRU map: at most {@code capacity} entries, least recently used dropped first. */
public final class Lru<K, V> {
  private final Map<K, V> map;

  public Lru(int capacity) {
    map = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
      }
    };
  }

  public synchronized V get(K key) {
    return map.get(key);
  }

  public synchronized void put(K key, V value) {
    map.put(key, value);
  }

  public synchronized void putAll(Map<? extends K, ? extends V> entries) {
    map.putAll(entries);
  }

  public synchronized void remove(K key) {
    map.remove(key);
  }

  public synchronized void clear() {
    map.clear();
  }
}
