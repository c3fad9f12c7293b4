import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  HttpException,
  Injectable,
  Logger,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { RadarConfig, SecretStore } from '@radar/config';
import type { ApiKey } from '@radar/core';
import { clientIp } from '../client-ip';
import { RateLimiter } from '../rate-limit.adapter';
import { ACCESS_RULE, AccessRule } from './access.decorators';
import { ApiKeyService } from './api-keys.service';
import { canonicalFeedTarget, verifyFeedToken } from './feed-tokens';

/** A route without an access rule is for admins only: forgetting the decorator never opens a route. */
const ADMIN_ONLY: AccessRule = { kind: 'roles', roles: [], feedToken: false };

export type AuthenticatedRequest = Request & { apiKey?: ApiKey };

/** The key a request presents: `Authorization: Bearer <key>` or `X-Api-Key: <key>`. */
export function presentedKey(req: Request): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer !== undefined) return bearer;
  const header = req.headers['x-api-key'];
  return typeof header === 'string' && header.trim() !== '' ? header.trim() : undefined;
}

/**
 * Every HTTP route of the API passes here (a global guard): the route's access rule (see
 * access.decorators.ts) against the request's API key or feed token, then the rate limit of that
 * key (or, without a valid key, of the client IP). 401 without a usable credential, 403 for a
 * role the route does not admit, 429 with Retry-After over the limit. A Redis outage does not
 * take the API down: the limit is then skipped (logged once).
 */
@Injectable()
export class ApiAccessGuard implements CanActivate {
  private readonly logger = new Logger(ApiAccessGuard.name);
  private limiterDown = false;

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
    private readonly limiter: RateLimiter,
    private readonly config: RadarConfig,
    private readonly secrets: SecretStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    const rule =
      this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
        context.getHandler(),
        context.getClass(),
      ]) ?? ADMIN_ONLY;

    const presented = presentedKey(req);
    let key = presented === undefined ? null : await this.keys.authenticate(presented);
    let viaFeedToken = false;
    if (key === null && rule.kind === 'roles' && rule.feedToken && typeof req.query?.token === 'string') {
      const url = new URL(req.originalUrl, 'http://radar.invalid');
      const keyId = verifyFeedToken(
        this.secrets.key,
        req.query.token,
        canonicalFeedTarget(url.pathname, url.searchParams),
      );
      if (keyId !== null) {
        key = await this.keys.byId(keyId);
        viaFeedToken = key !== null;
      }
    }

    await this.limit(req, res, key);
    if (rule.kind === 'public') return true;
    if (key === null) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="policy-radar"');
      throw new UnauthorizedException(
        presented === undefined && !viaFeedToken && typeof req.query?.token !== 'string'
          ? 'This endpoint needs an API key: send Authorization: Bearer <key> (`radar keys create --role ROLE` makes one)'
          : 'Unknown or revoked API key or feed token',
      );
    }
    if (key.role !== 'admin' && !rule.roles.includes(key.role)) {
      const allowed = [...rule.roles, 'admin'].join(' or ');
      throw new ForbiddenException(`A ${key.role} key may not use this endpoint (it needs ${allowed})`);
    }
    req.apiKey = key;
    return true;
  }

  private async limit(req: Request, res: Response, key: ApiKey | null): Promise<void> {
    const [bucket, limit] =
      key !== null
        ? [`key:${key.id}`, this.config.apiRateLimitPerMinute]
        : [`ip:${clientIp(req, this.config.trustProxy)}`, this.config.apiPublicRateLimitPerMinute];
    let decision;
    try {
      decision = await this.limiter.request(bucket, limit);
      this.limiterDown = false;
    } catch (err) {
      if (!this.limiterDown) this.logger.warn(`Rate limits skipped while Redis fails: ${(err as Error).message}`);
      this.limiterDown = true;
      return;
    }
    if (decision.allowed) return;
    res.setHeader('Retry-After', String(decision.retryAfterSeconds));
    throw new HttpException(
      {
        statusCode: 429,
        error: 'Too Many Requests',
        message: `Rate limit reached (${limit} requests a minute ${key ? 'for this key' : 'for this address without a key'}); retry in ${decision.retryAfterSeconds} s`,
      },
      429,
    );
  }
}
