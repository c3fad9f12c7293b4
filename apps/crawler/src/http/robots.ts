import robotsParser from 'robots-parser';
import { RobotsDisallowedError, RobotsUnreachableError } from './fetch-errors';

/** What fetching /robots.txt gave: a status and body, or a failure to reach it. */
export type RobotsAnswer = { status: number; body: string } | { error: Error };

export interface RobotsCacheOptions {
  /** How long rules (and "no robots.txt") are trusted. */
  ttlMs?: number;
  /** How long a 5xx/unreachable robots.txt keeps the site closed before we ask again. */
  unreachableTtlMs?: number;
  /** Most origins remembered; the oldest are forgotten first. */
  maxEntries?: number;
  now?: () => number;
}

type Verdict =
  | { kind: 'rules'; isAllowed: (url: string) => boolean }
  | { kind: 'allow-all' }
  | { kind: 'unreachable'; detail: string };

interface Entry {
  verdict: Verdict;
  expiresAt: number;
}

/** The product token robots.txt groups match on: "PolicyRadar" in "PolicyRadar/0.1 (+https://...)". */
export function productToken(userAgent: string): string {
  return userAgent.trim().split(/[/\s]/)[0] || userAgent;
}

/**
 * robots.txt per origin, fetched at most once per TTL (in memory, per process), following
 * RFC 9309: 2xx = obey the rules for our product token, 4xx = no rules (allow all), 429/5xx or
 * unreachable = treat the site as disallowed for now and ask again after a shorter TTL.
 */
export class RobotsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<Verdict>>();
  private readonly ttlMs: number;
  private readonly unreachableTtlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly token: string;

  constructor(userAgent: string, options: RobotsCacheOptions = {}) {
    this.token = productToken(userAgent);
    this.ttlMs = options.ttlMs ?? 3600 * 1000;
    this.unreachableTtlMs = options.unreachableTtlMs ?? 10 * 60 * 1000;
    this.maxEntries = options.maxEntries ?? 10000;
    this.now = options.now ?? Date.now;
  }

  static robotsUrl(url: string): string {
    return new URL('/robots.txt', url).href;
  }

  /**
   * Resolves when `url` may be fetched; throws RobotsDisallowedError (permanent for that URL)
   * or RobotsUnreachableError (try later). `fetchRobots` is called only on a cache miss.
   */
  async check(url: string, fetchRobots: (robotsUrl: string) => Promise<RobotsAnswer>): Promise<void> {
    const robotsUrl = RobotsCache.robotsUrl(url);
    const verdict = await this.verdict(robotsUrl, fetchRobots);
    if (verdict.kind === 'unreachable') throw new RobotsUnreachableError(url, robotsUrl, verdict.detail);
    if (verdict.kind === 'rules' && !verdict.isAllowed(url)) {
      throw new RobotsDisallowedError(url, robotsUrl, this.token);
    }
  }

  /** Whether robots.txt for this URL's origin is cached and fresh. */
  has(url: string): boolean {
    const entry = this.entries.get(RobotsCache.robotsUrl(url));
    return !!entry && entry.expiresAt > this.now();
  }

  private async verdict(
    robotsUrl: string,
    fetchRobots: (robotsUrl: string) => Promise<RobotsAnswer>,
  ): Promise<Verdict> {
    const cached = this.entries.get(robotsUrl);
    if (cached && cached.expiresAt > this.now()) return cached.verdict;
    const pending = this.inFlight.get(robotsUrl);
    if (pending) return pending;
    const work = fetchRobots(robotsUrl)
      .catch((error: Error): RobotsAnswer => ({ error }))
      .then((answer) => {
        const verdict = this.interpret(robotsUrl, answer);
        this.remember(robotsUrl, verdict);
        return verdict;
      })
      .finally(() => this.inFlight.delete(robotsUrl));
    this.inFlight.set(robotsUrl, work);
    return work;
  }

  private interpret(robotsUrl: string, answer: RobotsAnswer): Verdict {
    if ('error' in answer) return { kind: 'unreachable', detail: answer.error.message };
    const { status, body } = answer;
    if (status >= 200 && status < 300) {
      const robot = robotsParser(robotsUrl, body);
      // isAllowed is undefined for a URL of another origin; the cache is per origin, so that cannot happen.
      return { kind: 'rules', isAllowed: (url) => robot.isAllowed(url, this.token) !== false };
    }
    if (status === 429 || status >= 500) return { kind: 'unreachable', detail: `HTTP ${status}` };
    // 4xx ("unavailable" in RFC 9309), and too many redirects: no rules apply.
    if (status >= 300) return { kind: 'allow-all' };
    return { kind: 'unreachable', detail: `unexpected HTTP ${status}` };
  }

  private remember(robotsUrl: string, verdict: Verdict): void {
    const ttl = verdict.kind === 'unreachable' ? this.unreachableTtlMs : this.ttlMs;
    this.entries.delete(robotsUrl);
    this.entries.set(robotsUrl, { verdict, expiresAt: this.now() + ttl });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
