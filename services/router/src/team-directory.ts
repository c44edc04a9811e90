import type { Team, TeamId } from '@switchboard/core';
import type { TeamRepository } from '@switchboard/store';

/**
 * The router's view of teams: cached, read from the database on a miss, refreshed
 * when the API announces a change. Teams change rarely; leads ask for them often.
 */
export class TeamDirectory {
  readonly #teams: TeamRepository;
  readonly #byId = new Map<string, Team>();
  readonly #byName = new Map<string, Team>();
  #default: Team | undefined;

  constructor(teams: TeamRepository) {
    this.#teams = teams;
  }

  /** Loads every team. */
  async load(): Promise<void> {
    for (const team of await this.#teams.list()) this.#remember(team);
    this.#default = [...this.#byId.values()].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())[0];
  }

  /** A team by id or name, from the cache or the database. */
  async find(idOrName: string): Promise<Team | undefined> {
    const cached = this.#byId.get(idOrName) ?? this.#byName.get(idOrName.toLowerCase());
    if (cached) return cached;
    const team = await this.#teams.find(idOrName);
    if (team) this.#remember(team);
    return team;
  }

  /** A team already known, without a database read. */
  cached(teamId: string): Team | undefined {
    return this.#byId.get(teamId);
  }

  /** The default team (the first created), if any team exists. */
  async findDefault(): Promise<Team | undefined> {
    if (this.#default) return this.#default;
    this.#default = await this.#teams.findDefault();
    if (this.#default) this.#remember(this.#default);
    return this.#default;
  }

  /** Re-reads one team after the API changed it. */
  async refresh(teamId: TeamId): Promise<Team | undefined> {
    const team = await this.#teams.find(teamId);
    if (team) this.#remember(team);
    if (!this.#default) this.#default = await this.#teams.findDefault();
    return team;
  }

  /** Every known team, oldest first (the first is the built-in policy's default team). */
  all(): Team[] {
    return [...this.#byId.values()].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
  }

  /** Teams (cached) that have `repId` as a member. */
  teamsOf(repId: string): Team[] {
    return [...this.#byId.values()].filter((t) => t.members.includes(repId as never));
  }

  #remember(team: Team): void {
    this.#byId.set(team.id, team);
    this.#byName.set(team.name.toLowerCase(), team);
  }
}
