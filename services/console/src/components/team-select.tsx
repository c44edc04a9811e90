import type { Team } from '../api/types.ts';

/** A "Team" filter: all teams, or one of them (by id). */
export function TeamSelect({ teams, value, onChange }: { teams: ReadonlyArray<Team>; value: string; onChange: (teamId: string) => void }) {
  return (
    <label>
      Team
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">All teams</option>
        {teams.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
    </label>
  );
}
