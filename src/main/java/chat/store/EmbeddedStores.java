package chat.store;

/** The stores of the one-node profile, which also offer a new message's claim and appends as one write. */
public interface EmbeddedStores extends Stores {
  ClaimedAppendStore claimedAppends();
}
