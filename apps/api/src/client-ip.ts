import { isIP } from 'node:net';
import type { Request } from 'express';

/** The client's address: the socket's, or with TRUST_PROXY the last X-Forwarded-For entry (the one our proxy added). */
export function clientIp(req: Request, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const last = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').pop()?.trim();
    if (last && isIP(last)) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}
