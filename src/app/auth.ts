// Logging in, tokens and sessions. Passwords are checked here and nowhere else.
import { timingSafeEqual } from 'node:crypto';
import { Unauthenticated } from '../domain/errors.js';
import type { TokenId } from '../domain/ids.js';
import { normalizeUsername, type Operator } from '../domain/operator.js';
import type { Keys } from '../security/keys.js';
import { verifyAgainstNothing, verifyPassword } from '../security/passwords.js';
import { generateToken, hashToken } from '../security/tokens.js';
import type { AuditLog } from '../store/audit.js';
import type { OperatorRepository } from '../store/operators.js';
import type { TokenKind, TokenRepository } from '../store/tokens.js';
import type { LoginThrottle } from './login-throttle.js';

/** Who is making a request, once a token or session has been checked. */
export interface Principal {
  operator: Operator;
  tokenId: TokenId;
  kind: TokenKind;
  /** When the token or session stops being valid (epoch ms); null when only revoking ends it. */
  expiresAt: number | null;
}

export interface LoginResult {
  token: string;
  operator: Operator;
  /** Only for sessions: the value unsafe requests must echo in the X-CSRF-Token header. */
  csrfToken?: string;
  expiresAt: Date | null;
}

const SESSION_LIFETIME_MS = 14 * 24 * 3600_000;
const TICKET_LIFETIME_MS = 60_000;
/** last_used_at is informative: write it at most this often per token, not on every request. */
const TOUCH_INTERVAL_MS = 60_000;
const WRONG_CREDENTIALS = 'wrong username or password';

function failureReason(operator: Operator | undefined, passwordOk: boolean): string {
  if (!operator) return 'unknown_username';
  if (!passwordOk) return 'wrong_password';
  return 'deactivated';
}

export class AuthService {
  constructor(
    private readonly deps: {
      operators: OperatorRepository;
      tokens: TokenRepository;
      audit: AuditLog;
      throttle: LoginThrottle;
      keys: Keys;
      /** Tells every process a token or session was revoked, so its sockets close wherever they are. */
      announceRevoked?: (tokenId: TokenId) => Promise<void>;
      sessionLifetimeMs?: number;
    },
  ) {}

  /**
   * Every outcome but success looks the same to the caller (answer and time): an unknown username still costs a
   * password check, and a deactivated operator is told "wrong username or password" even for the right one.
   */
  async login(input: { username: string; password: string; ip: string; kind: TokenKind }): Promise<LoginResult> {
    const { operators, tokens, audit, throttle } = this.deps;
    const username = normalizeUsername(input.username);
    await throttle.reserve(username, input.ip);
    const credentials = await operators.findCredentials(username);
    const passwordOk = credentials
      ? await verifyPassword(input.password, credentials.passwordHash)
      : await verifyAgainstNothing(input.password);
    if (!credentials || !passwordOk || !credentials.operator.isActive) {
      await audit.record({
        actorId: null,
        action: 'auth.login_failed',
        targetType: 'operator',
        targetId: credentials?.operator.id ?? username,
        ip: input.ip,
        details: { username, reason: failureReason(credentials?.operator, passwordOk) },
      });
      throw new Unauthenticated(WRONG_CREDENTIALS);
    }
    const { operator } = credentials;
    await throttle.succeeded(username, input.ip);
    await operators.recordLogin(operator.id);
    const token = generateToken();
    const expiresAt = input.kind === 'session' ? Date.now() + (this.deps.sessionLifetimeMs ?? SESSION_LIFETIME_MS) : null;
    const tokenId = await tokens.insert({
      operatorId: operator.id,
      kind: input.kind,
      tokenHash: hashToken(token),
      name: null,
      expiresAt,
    });
    await audit.record({
      actorId: operator.id,
      action: 'auth.login',
      targetType: 'operator',
      targetId: operator.id,
      ip: input.ip,
      details: { kind: input.kind, token_id: tokenId },
    });
    return {
      token,
      operator,
      expiresAt: expiresAt === null ? null : new Date(expiresAt),
      ...(input.kind === 'session' && { csrfToken: this.csrfTokenFor(token) }),
    };
  }

  /** The principal behind a token or session cookie value, or undefined when it is not usable. */
  async authenticate(token: string, expectedKind: TokenKind): Promise<Principal | undefined> {
    const now = Date.now();
    const stored = await this.deps.tokens.findUsable(hashToken(token), now);
    if (!stored || stored.kind !== expectedKind) return undefined;
    if (stored.lastUsedAt === null || now - stored.lastUsedAt > TOUCH_INTERVAL_MS) {
      await this.deps.tokens.touch(stored.id, now);
    }
    return { operator: stored.operator, tokenId: stored.id, kind: stored.kind, expiresAt: stored.expiresAt };
  }

  async logout(principal: Principal, ip: string): Promise<void> {
    await this.deps.tokens.revoke(principal.tokenId);
    await this.deps.announceRevoked?.(principal.tokenId);
    await this.deps.audit.record({
      actorId: principal.operator.id,
      action: 'auth.logout',
      targetType: 'operator',
      targetId: principal.operator.id,
      ip,
      details: { kind: principal.kind, token_id: principal.tokenId },
    });
  }

  /**
   * A single-use credential for one WebSocket connection, valid for a minute (keeps tokens out of URLs). It names
   * the token it was issued from (the hash covers the name, so it cannot be swapped): the socket lives and dies
   * with that token or session.
   */
  async issueTicket(principal: Principal): Promise<{ ticket: string; expiresAt: Date }> {
    const ticket = `${principal.tokenId}.${generateToken()}`;
    const expiresAt = Date.now() + TICKET_LIFETIME_MS;
    await this.deps.tokens.insert({ operatorId: principal.operator.id, kind: 'ticket', tokenHash: hashToken(ticket), name: null, expiresAt });
    return { ticket, expiresAt: new Date(expiresAt) };
  }

  /** The principal of the token the ticket was issued from, when both are still usable. */
  async redeemTicket(ticket: string): Promise<Principal | undefined> {
    const issuer = /^(\d{1,15})\./.exec(ticket)?.[1];
    if (issuer === undefined) return undefined;
    const principal = await this.authenticate(ticket, 'ticket');
    if (!principal || !(await this.deps.tokens.revoke(principal.tokenId))) return undefined;
    const stored = await this.deps.tokens.findUsableById(Number(issuer) as TokenId, Date.now());
    if (!stored || stored.operator.id !== principal.operator.id) return undefined;
    return { operator: stored.operator, tokenId: stored.id, kind: stored.kind, expiresAt: stored.expiresAt };
  }

  /** CSRF token bound to one session: a keyed hash, so nothing more needs storing. */
  csrfTokenFor(sessionToken: string): string {
    return this.deps.keys.mac('csrf', sessionToken);
  }

  csrfTokenMatches(sessionToken: string, presented: string): boolean {
    const expected = Buffer.from(this.csrfTokenFor(sessionToken));
    const given = Buffer.from(presented);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
