/**
 * A list read from the API once per command, when first needed. A long-running command
 * (`watch`) meets entries added since it read them: an id it does not know makes it read the
 * list again, once per id.
 */
export class CachedListing<T extends { readonly id: string }> {
  readonly #load: () => Promise<T[]>;
  #items: Promise<T[]> | undefined;
  readonly #missed = new Set<string>();

  constructor(load: () => Promise<T[]>) {
    this.#load = load;
  }

  all(): Promise<T[]> {
    this.#items ??= this.#load();
    return this.#items;
  }

  /** The entry with this id, reading the list again (once) when it is not there. */
  async byId(id: string): Promise<T | undefined> {
    const found = (await this.all()).find((item) => item.id === id);
    if (found || this.#missed.has(id)) return found;
    this.#missed.add(id);
    this.#items = undefined;
    return (await this.all()).find((item) => item.id === id);
  }
}
