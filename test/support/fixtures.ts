import { http } from './http.ts';

/** Creates `count` reps and a team of them through the API; returns their ids. */
export async function createTeamOfReps(
  base: string,
  options: { count: number; team?: string; cap?: number; prefix?: string; sla?: Record<string, unknown>; rep?: Record<string, unknown>; key?: string },
): Promise<{ teamId: string; repIds: string[] }> {
  const prefix = options.prefix ?? 'rep';
  const repIds: string[] = [];
  for (let i = 0; i < options.count; i++) {
    const { status, body } = await http(base, 'POST', '/v1/reps', {
      name: `${prefix} ${i}`,
      email: `${prefix}${i}-${Math.random().toString(36).slice(2, 8)}@example.com`,
      ...(options.cap !== undefined && { cap: options.cap }),
      ...options.rep,
    }, { ...(options.key && { key: options.key }) });
    if (status !== 201) throw new Error(`creating a rep answered ${status}: ${JSON.stringify(body)}`);
    repIds.push(body.id);
  }
  const { status, body } = await http(base, 'POST', '/v1/teams', { name: options.team ?? 'Sales', members: repIds, ...(options.sla && { sla: options.sla }) }, { ...(options.key && { key: options.key }) });
  if (status !== 201) throw new Error(`creating a team answered ${status}: ${JSON.stringify(body)}`);
  return { teamId: body.id, repIds };
}

/** Runs `task` over `items` with at most `concurrency` in flight. */
export async function mapConcurrent<T, R>(items: ReadonlyArray<T>, concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  });
  await Promise.all(workers);
  return results;
}
