package chat.store.cassandra;

import java.util.LinkedHashMap;
import java.util.Map;

/** A small thread-safe LRU map: at most {@code capacity} entries, least recently used dropped first. */
final class Lru<K, V> {
  private final Map<K, V> map;

  Lru(int capacity) {
    map = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
      }
    };
  }

  synchronized V get(K key) {
    return map.get(key);
  }

  synchronized void put(K key, V value) {
    map.put(key, value);
  }

  synchronized void remove(K key) {
    map.remove(key);
  }

  synchronized void clear() {
    map.clear();
  }
}
