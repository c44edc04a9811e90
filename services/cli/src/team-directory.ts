import type { ApiClient } from './api-client.ts';
import { CachedListing } from './cached-listing.ts';

/** A team as `GET /v1/teams` lists it. */
interface ListedTeam {
  readonly id: string;
  readonly name: string;
}

/** The teams, read once per command when it needs them, to show a team by name rather than by id. */
export class TeamDirectory {
  readonly #teams: CachedListing<ListedTeam>;

  constructor(api: ApiClient) {
    this.#teams = new CachedListing(async () => (await api.request<{ items: ListedTeam[] }>('GET', '/v1/teams')).body.items);
  }

  /** The team's name for its id, the id itself for one not found, "-" for none. */
  async label(id: string | null | undefined): Promise<string> {
    if (!id) return '-';
    return (await this.#teams.byId(id))?.name ?? id;
  }
}
