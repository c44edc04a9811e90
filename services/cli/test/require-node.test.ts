import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MINIMUM_NODE_MAJOR, nodeVersionProblem } from '../src/require-node.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('an old Node.js', () => {
  it('is refused with the version found and how to install a newer one; 22 and later pass', () => {
    expect(MINIMUM_NODE_MAJOR).toBe(22);
    expect(nodeVersionProblem('20.20.2')).toMatch(/^Switchboard needs Node.js 22 or newer; this is 20.20.2\.\nInstall Node.js 24/);
    expect(nodeVersionProblem('v18.19.0')).toContain('this is v18.19.0');
    expect(nodeVersionProblem('21.7.3')).toBeDefined();
    for (const fine of ['22.0.0', '24.21.0', 'v26.1.0']) expect(nodeVersionProblem(fine)).toBeUndefined();
  });

  it('passes the check on this Node.js, quietly', () => {
    const run = spawnSync(process.execPath, ['services/cli/src/require-node.mjs'], { cwd: root, encoding: 'utf8' });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  });

  // The machines this project runs on ship Node 20 as /usr/bin/node: where one does, it must stop at once.
  const systemNode = '/usr/bin/node';
  const systemMajor = existsSync(systemNode) ? Number(spawnSync(systemNode, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).stdout.trim()) : NaN;
  it(`stops the CLI before it loads anything on an old Node.js (${existsSync(systemNode) ? `${systemNode} is ${systemMajor}` : 'simulated'})`, () => {
    // With no old Node.js at hand, the same script under a version it reads as old.
    const old = Number.isInteger(systemMajor) && systemMajor < 22;
    const run = old
      ? spawnSync(systemNode, ['--import', 'tsx', 'services/cli/src/main.ts', 'reps', 'list'], { cwd: root, encoding: 'utf8' })
      : spawnSync(process.execPath, ['--input-type=module', '-e', `Object.defineProperty(process.versions, 'node', { value: '20.20.2' }); await import('./services/cli/src/require-node.mjs');`], { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^Switchboard needs Node.js 22 or newer; this is \S+\./);
    // Nothing else ran: no connection refused, no stack trace.
    expect(run.stderr).not.toMatch(/Error|at /);
  });
});
