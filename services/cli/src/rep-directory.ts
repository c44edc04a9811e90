import { isId } from '@switchboard/core';
import { type ApiClient, ApiError } from './api-client.ts';
import { CachedListing } from './cached-listing.ts';

/** A rep as the CLI names it. */
export interface NamedRep {
  readonly id: string;
  readonly name: string;
  readonly email: string;
}

/** A rep as `GET /v1/reps` lists it, with what the CLI's tables show. */
export interface ListedRep extends NamedRep {
  readonly state: string;
  readonly activeLeads: number;
  readonly cap: number | null;
  readonly weight: number;
}

/**
 * The reps, read once per command when it needs them: a rep is given by email or id on the
 * command line, and shown by name and email rather than by id.
 */
export class RepDirectory {
  readonly #reps: CachedListing<ListedRep>;

  constructor(api: ApiClient) {
    this.#reps = new CachedListing(async () => {
      const reps: ListedRep[] = [];
      let after: string | null = null;
      do {
        const { body }: { body: { items: ListedRep[]; next: string | null } } = await api.request('GET', `/v1/reps?limit=1000${after ? `&after=${after}` : ''}`);
        reps.push(...body.items);
        after = body.next;
      } while (after);
      return reps;
    });
  }

  /** Every rep, page by page. */
  all(): Promise<ListedRep[]> {
    return this.#reps.all();
  }

  /** The id of the rep `ref` names (an id, or an email in any case); throws naming it when there is none. */
  async idOf(ref: string): Promise<string> {
    if (isId(ref)) return ref;
    const rep = (await this.all()).find((r) => r.email.toLowerCase() === ref.toLowerCase());
    if (!rep) throw new ApiError(`no rep with email ${ref}; list reps with: switchboard reps list`, null, undefined);
    return rep.id;
  }

  /** "Sarah Chen <sarah@example.com>" for a rep id, the id itself for one not found, "-" for none. */
  async label(id: string | null | undefined): Promise<string> {
    if (!id) return '-';
    const rep = await this.#reps.byId(id);
    return rep ? `${rep.name} <${rep.email}>` : id;
  }
}
