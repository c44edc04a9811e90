import type { RepId } from '@switchboard/core';
import type { RepRepository } from '@switchboard/store';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import * as oidc from 'openid-client';
import { z } from 'zod';
import { access } from '../auth/access-control.ts';
import type { ConsoleSessions } from '../auth/console-sessions.ts';
import { openFlow, principalForIdentity, sealFlow, type SsoRoleRules } from '../auth/single-sign-on.ts';

/** The console's single sign-on with an OpenID Connect provider (Google, Okta, Entra, …). */
export interface SingleSignOnConfig {
  /** The provider's issuer URL (its discovery document is at `/.well-known/openid-configuration`). */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** This deployment's callback as registered at the provider: `https://<host>/v1/session/oidc/callback`. */
  readonly redirectUrl: string;
  readonly scopes: string;
  /** The claim that lists the user's groups. @default 'groups' */
  readonly groupsClaim: string;
  readonly roles: SsoRoleRules;
  /** What the console's button says: "Sign in with <name>". */
  readonly name: string;
}

const FLOW_COOKIE = 'sb_oidc';
const CALLBACK_PATH = '/v1/session/oidc/callback';

/** An issuer on this machine over plain HTTP (a development or test provider): the only one allowed without TLS. */
const isLoopbackHttp = (url: string): boolean => {
  const { protocol, hostname } = new URL(url);
  return protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(hostname);
};

/**
 * `GET /v1/session/providers` says whether single sign-on is on; `GET /v1/session/oidc` sends the
 * browser to the provider (authorization code flow with PKCE, state and nonce, kept in a signed
 * cookie); `GET /v1/session/oidc/callback` takes its answer, reads the user's email and groups,
 * maps them to a role, opens a console session and goes back to the console. A failure goes back
 * to the console's sign-in, which says why.
 */
export function singleSignOnRoutes(app: FastifyInstance, deps: { sso: SingleSignOnConfig | undefined; sessions: ConsoleSessions; reps: RepRepository; clock: () => number }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['keys'];
  const { sso } = deps;
  let configuration: Promise<oidc.Configuration> | undefined;
  const discover = (config: SingleSignOnConfig): Promise<oidc.Configuration> => {
    configuration ??= oidc
      .discovery(new URL(config.issuer), config.clientId, config.clientSecret, undefined, isLoopbackHttp(config.issuer) ? { execute: [oidc.allowInsecureRequests] } : undefined)
      .catch((error: unknown) => {
        // Try again at the next sign-in: the provider may be back.
        configuration = undefined;
        throw error;
      });
    return configuration;
  };
  const backToSignIn = (reply: FastifyReply, why: string) => reply.redirect(`/?signin_error=${encodeURIComponent(why)}`, 302);

  api.get(
    '/v1/session/providers',
    {
      schema: {
        ...access('public'),
        tags,
        summary: 'How one may sign in to the console',
        response: { 200: z.object({ apiKey: z.literal(true), oidc: z.object({ name: z.string(), url: z.string() }).nullable() }) },
      },
    },
    async () => ({ apiKey: true as const, oidc: sso ? { name: sso.name, url: '/v1/session/oidc' } : null }),
  );

  api.get(
    '/v1/session/oidc',
    {
      schema: {
        ...access('public'),
        tags,
        summary: 'Sign in to the console with single sign-on (a redirect to the identity provider)',
        response: { 302: z.null(), 404: z.object({ error: z.string(), message: z.string() }) },
      },
    },
    async (request, reply) => {
      if (!sso) return reply.code(404).send({ error: 'not_found', message: 'single sign-on is off: set SWITCHBOARD_OIDC_ISSUER and the rest (see docs/api.md, "Console single sign-on"), or sign in with an API key' });
      const config = await discover(sso);
      const verifier = oidc.randomPKCECodeVerifier();
      const flow = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier, startedAt: deps.clock() };
      // Lax, not Strict: the provider's answer is a navigation from its site.
      reply.setCookie(FLOW_COOKIE, sealFlow(flow, sso.clientSecret), { httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', path: CALLBACK_PATH, maxAge: 600 });
      const target = oidc.buildAuthorizationUrl(config, {
        redirect_uri: sso.redirectUrl,
        scope: sso.scopes,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: flow.state,
        nonce: flow.nonce,
      });
      return reply.redirect(target.href, 302);
    },
  );

  api.get(
    CALLBACK_PATH,
    {
      schema: {
        ...access('public'),
        tags,
        summary: 'The identity provider’s answer to a sign-in',
        querystring: z.record(z.string(), z.string().max(4096)),
        response: { 302: z.null() },
      },
    },
    async (request, reply) => {
      if (!sso) return backToSignIn(reply, 'single sign-on is off');
      reply.clearCookie(FLOW_COOKIE, { path: CALLBACK_PATH });
      const flow = openFlow(request.cookies?.[FLOW_COOKIE], sso.clientSecret, deps.clock());
      if (!flow) return backToSignIn(reply, 'the sign-in took too long or was started elsewhere; try again');
      const query = request.query as Record<string, string>;
      if (query.error) return backToSignIn(reply, `the identity provider refused: ${query.error_description ?? query.error}`);
      let identity: { email: string; groups: string[] };
      try {
        const config = await discover(sso);
        const current = new URL(sso.redirectUrl);
        current.search = new URLSearchParams(query).toString();
        const tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce }, { redirect_uri: sso.redirectUrl });
        const claims = tokens.claims();
        const info = await oidc.fetchUserInfo(config, tokens.access_token, claims?.sub ?? oidc.skipSubjectCheck);
        const email = typeof info.email === 'string' ? info.email : typeof claims?.email === 'string' ? claims.email : undefined;
        if (!email) return backToSignIn(reply, 'the identity provider gave no email address: add the email scope to SWITCHBOARD_OIDC_SCOPES');
        if (info.email_verified === false) return backToSignIn(reply, `${email} is not verified at the identity provider`);
        const rawGroups = info[sso.groupsClaim] ?? claims?.[sso.groupsClaim];
        identity = { email, groups: Array.isArray(rawGroups) ? rawGroups.filter((g): g is string => typeof g === 'string') : [] };
      } catch (error) {
        request.log.warn({ err: error }, 'single sign-on failed');
        return backToSignIn(reply, `single sign-on failed: ${(error as Error).message}`);
      }
      const repsByEmail = new Map((await deps.reps.listAll()).map((rep) => [rep.email.toLowerCase(), rep.id as RepId]));
      const outcome = principalForIdentity(identity, sso.roles, (email) => repsByEmail.get(email));
      if (!outcome.ok) return backToSignIn(reply, outcome.reason);
      await deps.sessions.open(request, reply, outcome.principal);
      return reply.redirect('/', 302);
    },
  );
}
