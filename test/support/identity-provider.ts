import type { Server } from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from './free-port.ts';

/** A local OpenID Connect provider (`oidc-provider`) for sign-in tests: any login, with the groups given. */
export interface TestIdentityProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  stop(): Promise<void>;
}

/**
 * Starts an OpenID Connect provider on 127.0.0.1 with one confidential client whose callback is
 * `redirectUrl`. Its development sign-in page takes any login as the user's email; `groups`
 * says which groups each email is in (the `groups` claim, in the `groups` scope).
 */
export async function startTestIdentityProvider(options: { redirectUrl: string; groups: Readonly<Record<string, ReadonlyArray<string>>> }): Promise<TestIdentityProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'switchboard-console';
  const clientSecret = 'test-client-secret-0123456789abcdef';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUrl],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'] },
    scopes: ['openid', 'email', 'groups'],
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, email: id, email_verified: true, groups: [...(options.groups[id] ?? [])] }),
    }),
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['test-identity-provider-cookie-key'] },
    pkce: { required: () => true },
  });
  const server: Server = provider.listen(port);
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    issuer,
    clientId,
    clientSecret,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
