import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { randomBytes } from 'node:crypto';
import { configFromEnv, type RunningSwitchboard, startSwitchboard } from '@switchboard/server';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, http, type TestDatabase } from '../support/index.ts';

// The API has no authentication yet: with HOST unset it listens on this machine only, and
// another address of the machine gets no answer.

/** Whether something accepts a TCP connection at `host:port`. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** An IPv4 address of this machine other than loopback, if it has one. */
const externalAddress = Object.values(networkInterfaces())
  .flat()
  .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;

describe('safe defaults', () => {
  let database: TestDatabase | undefined;
  let running: RunningSwitchboard | undefined;
  afterAll(async () => {
    await running?.stop();
    await database?.drop();
  });

  it('binds 127.0.0.1 unless HOST is set', { timeout: 60_000 }, async () => {
    expect(configFromEnv({}).host).toBe('127.0.0.1');
    expect(configFromEnv({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    database = await createTestDatabase();
    running = await startSwitchboard(configFromEnv({ PORT: '0', DATABASE_URL: database.url, SWITCHBOARD_NAMESPACE: `s${randomBytes(4).toString('hex')}` }), {
      logger: pino({ level: 'silent' }),
    });
    expect((await http(`http://127.0.0.1:${running.port}`, 'GET', '/livez')).status).toBe(200);
    // A machine with no other address (a bare container) has nothing more to show.
    if (externalAddress) expect(await accepts(externalAddress, running.port)).toBe(false);
  });
  it('refuses weak or half-given credentials settings, naming each variable, and never shows a secret when logged', () => {
    const issues = (env: Record<string, string>) => {
      try {
        configFromEnv(env);
        return [];
      } catch (error) {
        return (error as { issues: Array<{ path: string; message: string }> }).issues;
      }
    };
    expect(issues({ SWITCHBOARD_ADMIN_KEY: 'short' })).toEqual([{ path: 'SWITCHBOARD_ADMIN_KEY', message: expect.stringContaining('at least 32 characters') }]);
    expect(issues({ SWITCHBOARD_OIDC_ISSUER: 'https://accounts.example.com' }).map((i) => i.path)).toEqual([
      'SWITCHBOARD_OIDC_CLIENT_ID',
      'SWITCHBOARD_OIDC_CLIENT_SECRET',
      'SWITCHBOARD_OIDC_REDIRECT_URL',
      'SWITCHBOARD_OIDC_ROLES',
    ]);
    expect(issues({ SWITCHBOARD_OIDC_ROLES: 'admin=revops' })[0]).toMatchObject({ path: 'SWITCHBOARD_OIDC_ROLES', message: expect.stringContaining('must be JSON') });
    expect(issues({ SWITCHBOARD_OIDC_REDIRECT_URL: 'https://sb.example.com/callback' })[0]).toMatchObject({ path: 'SWITCHBOARD_OIDC_REDIRECT_URL' });
    const config = configFromEnv({
      SWITCHBOARD_ADMIN_KEY: 'a'.repeat(40),
      SWITCHBOARD_OIDC_ISSUER: 'https://accounts.example.com',
      SWITCHBOARD_OIDC_CLIENT_ID: 'switchboard',
      SWITCHBOARD_OIDC_CLIENT_SECRET: 'very-secret-value',
      SWITCHBOARD_OIDC_REDIRECT_URL: 'https://sb.example.com/v1/session/oidc/callback',
      SWITCHBOARD_OIDC_ROLES: '[{"group":"revops","role":"admin"}]',
    });
    expect(config.adminKey).toBe('a'.repeat(40));
    expect(config.singleSignOn?.clientSecret).toBe('very-secret-value');
    const logged = JSON.stringify(config);
    expect(logged).not.toContain('a'.repeat(40));
    expect(logged).not.toContain('very-secret-value');
    expect(logged).toContain('accounts.example.com');
  });
});
