import type { Principal } from '@switchboard/core';
import type { CredentialRepository } from '@switchboard/store';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The console's session cookie. */
export const SESSION_COOKIE = 'sb_session';
/** How long a console session lasts (a working day and a bit). */
export const SESSION_HOURS = 12;

/**
 * The web console's sessions: an HttpOnly, SameSite=Strict cookie holding a random token, stored
 * as its SHA-256 with whom it stands for. Secure when the request came over TLS (directly, or as
 * the ingress says with X-Forwarded-Proto when `trustProxy` is on). SameSite=Strict and the
 * cross-site guard on writes keep other sites from using it.
 */
export class ConsoleSessions {
  readonly #credentials: CredentialRepository;
  readonly #clock: () => number;

  constructor(credentials: CredentialRepository, clock: () => number = Date.now) {
    this.#credentials = credentials;
    this.#clock = clock;
  }

  async principalOf(request: FastifyRequest): Promise<Principal | undefined> {
    const token = request.cookies?.[SESSION_COOKIE];
    if (!token) return undefined;
    return this.#credentials.findSession(token, new Date(this.#clock()));
  }

  async open(request: FastifyRequest, reply: FastifyReply, principal: Principal): Promise<Date> {
    const expiresAt = new Date(this.#clock() + SESSION_HOURS * 3_600_000);
    const token = await this.#credentials.openSession(principal, expiresAt);
    reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https', path: '/', expires: expiresAt });
    return expiresAt;
  }

  async close(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = request.cookies?.[SESSION_COOKIE];
    if (token) await this.#credentials.closeSession(token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
  }
}
