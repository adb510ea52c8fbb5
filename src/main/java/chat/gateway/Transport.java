package chat.gateway;

/** The one thing a {@link Session} needs from its connection, whether a WebSocket or a SockJS socket. */
interface Transport {
  void send(String text);

  /** True when the client is not reading fast enough and unsent frames pile up. */
  boolean writeQueueFull();

  void close(int code, String reason);
}
