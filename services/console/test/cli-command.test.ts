import { describe, expect, it } from 'vitest';
import { cliCommand } from '../src/format/cli-command.ts';

describe('the commands the console suggests', () => {
  it('leave out --url where the CLI looks by default, and name the console’s address anywhere else', () => {
    expect(cliCommand('http://localhost:8080', 'reps list')).toBe('npx switchboard reps list');
    expect(cliCommand('http://localhost:8080/', 'reps list')).toBe('npx switchboard reps list');
    expect(cliCommand('http://127.0.0.1:40123', 'reps list')).toBe('npx switchboard --url http://127.0.0.1:40123 reps list');
    expect(cliCommand('https://switchboard.acme.com', 'leads add --email ana@acme.io')).toBe('npx switchboard --url https://switchboard.acme.com leads add --email ana@acme.io');
  });
});
