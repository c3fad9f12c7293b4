import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const ADMIN_COOKIE = 'radar_admin';

/** Compares two secrets in constant time (both hashed first, so lengths leak nothing either). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (v: string) => createHmac('sha256', 'radar-admin-compare').update(v).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) {
      try {
        return decodeURIComponent(rest.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * Admits a request carrying ADMIN_TOKEN as `Authorization: Bearer <token>`, as `?token=` (which
 * then sets an httpOnly cookie for the pages' follow-up requests), or as that cookie; answers 401
 * otherwise. The cookie holds a keyed hash of the token, not the token itself.
 */
export function adminAuth(token: string, cookiePath: string) {
  const session = createHmac('sha256', token).update('radar-admin-session').digest('base64url');
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.headers.authorization ?? '';
    const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
    const query = typeof req.query?.token === 'string' ? req.query.token : undefined;
    const fromCookie = cookie(req, ADMIN_COOKIE);
    if (
      (bearer !== undefined && sameSecret(bearer, token)) ||
      (fromCookie !== undefined && sameSecret(fromCookie, session))
    ) {
      return next();
    }
    if (query !== undefined && sameSecret(query, token)) {
      res.cookie(ADMIN_COOKIE, session, {
        httpOnly: true,
        sameSite: 'strict',
        secure: req.secure,
        path: cookiePath,
        maxAge: 12 * 3600 * 1000,
      });
      return next();
    }
    res.status(401).setHeader('WWW-Authenticate', 'Bearer realm="admin"').setHeader('Cache-Control', 'no-store').json({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'The admin dashboard needs ADMIN_TOKEN (Authorization: Bearer <token> or ?token=).',
    });
  };
}
