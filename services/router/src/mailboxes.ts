/**
 * One mailbox per key: the work given for one key runs one piece at a time, in the order it was
 * given, while work for other keys goes on meanwhile. A piece that fails does not stop the next.
 *
 * The router keeps one per team (lead actors have theirs in the `ActorHost`), which makes a team
 * the single writer of its strategy state: each decision runs
 * from reading the round-robin order, weighted-round-robin credits or load-balanced counts
 * through the offer to its rep and the write of the new state. Without it, two leads of one team
 * read the same credits, both awaited their offers and wrote back over each other (with 16
 * concurrent clients, reps ended 30–51 leads off their weighted share). A team waiting for its
 * rep's answer holds only its own mailbox; a rep in several teams is offered leads by each, and
 * its own actor keeps its caps.
 */
export class Mailboxes<K> {
  readonly #tails = new Map<K, Promise<unknown>>();

  /** Runs `work` once everything given earlier for `key` has settled, and before anything given later. */
  run<T>(key: K, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => {});
    this.#tails.set(key, settled);
    void settled.then(() => {
      if (this.#tails.get(key) === settled) this.#tails.delete(key);
    });
    return next;
  }

  /** Keys with work queued or running. */
  get busy(): number {
    return this.#tails.size;
  }
}
