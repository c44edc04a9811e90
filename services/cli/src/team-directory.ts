import type { ApiClient } from './api-client.ts';

/** A team as `GET /v1/teams` lists it. */
interface ListedTeam {
  readonly id: string;
  readonly name: string;
}

/** The teams, read once per command when it needs them, to show a team by name rather than by id. */
export class TeamDirectory {
  readonly #api: ApiClient;
  #teams: Promise<ListedTeam[]> | undefined;
  readonly #missed = new Set<string>();

  constructor(api: ApiClient) {
    this.#api = api;
  }

  async #all(): Promise<ListedTeam[]> {
    this.#teams ??= this.#api.request<{ items: ListedTeam[] }>('GET', '/v1/teams').then(({ body }) => body.items);
    return this.#teams;
  }

  /** The team's name for its id, the id itself for one not found (read again once: it may be new), "-" for none. */
  async label(id: string | null | undefined): Promise<string> {
    if (!id) return '-';
    let team = (await this.#all()).find((t) => t.id === id);
    if (!team && !this.#missed.has(id)) {
      this.#missed.add(id);
      this.#teams = undefined;
      team = (await this.#all()).find((t) => t.id === id);
    }
    return team ? team.name : id;
  }
}
