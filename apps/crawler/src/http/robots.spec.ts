import { RobotsDisallowedError, RobotsUnreachableError } from './fetch-errors';
import { productToken, RobotsAnswer, RobotsCache } from './robots';

const UA = 'PolicyRadar/0.1 (+https://github.com/policy-radar/policy-radar)';
const ROBOTS = [
  'User-agent: *',
  'Disallow: /private/',
  '',
  'User-agent: PolicyRadar',
  'Disallow: /search',
  'Allow: /search/help',
].join('\n');

describe('RobotsCache', () => {
  let now = 1_000_000;
  const cache = () => new RobotsCache(UA, { now: () => now, ttlMs: 3600_000, unreachableTtlMs: 600_000 });
  const serve = (answer: RobotsAnswer) => {
    const calls: string[] = [];
    const fetchRobots = async (robotsUrl: string) => {
      calls.push(robotsUrl);
      return answer;
    };
    return { calls, fetchRobots };
  };

  it('uses the product token of our User-Agent', () => {
    expect(productToken(UA)).toBe('PolicyRadar');
    expect(productToken('plainbot')).toBe('plainbot');
  });

  it('obeys the group for our product token, fetching robots.txt once per origin', async () => {
    const robots = cache();
    const { calls, fetchRobots } = serve({ status: 200, body: ROBOTS });
    await robots.check('https://www.agency.gov/news/1', fetchRobots);
    await robots.check('https://www.agency.gov/search/help', fetchRobots);
    await robots.check('https://www.agency.gov/private/x', fetchRobots); // only the * group says no
    const refused = robots.check('https://www.agency.gov/search?q=x', fetchRobots);
    await expect(refused).rejects.toThrow(RobotsDisallowedError);
    await expect(refused).rejects.toThrow(
      'GET https://www.agency.gov/search?q=x refused: https://www.agency.gov/robots.txt disallows it for user-agent "PolicyRadar"',
    );
    expect(calls).toEqual(['https://www.agency.gov/robots.txt']);
  });

  it('asks again after the TTL', async () => {
    const robots = cache();
    const { calls, fetchRobots } = serve({ status: 200, body: ROBOTS });
    await robots.check('https://a.gov/x', fetchRobots);
    now += 3600_001;
    await robots.check('https://a.gov/y', fetchRobots);
    expect(calls).toHaveLength(2);
  });

  it('treats a 4xx robots.txt as allow-all', async () => {
    const robots = cache();
    for (const status of [401, 403, 404, 410]) {
      await expect(
        robots.check(`https://h${status}.gov/search`, serve({ status, body: '' }).fetchRobots),
      ).resolves.toBe(undefined);
    }
  });

  it('treats 5xx, 429 and unreachable as disallowed for now, then asks again', async () => {
    const robots = cache();
    const down = serve({ status: 503, body: '' });
    await expect(robots.check('https://down.gov/a', down.fetchRobots)).rejects.toThrow(RobotsUnreachableError);
    await expect(robots.check('https://down.gov/b', down.fetchRobots)).rejects.toThrow(/HTTP 503/);
    expect(down.calls).toHaveLength(1);
    now += 600_001;
    const up = serve({ status: 200, body: '' });
    await robots.check('https://down.gov/a', up.fetchRobots);
    expect(up.calls).toHaveLength(1);

    await expect(robots.check('https://busy.gov/a', serve({ status: 429, body: '' }).fetchRobots)).rejects.toThrow(
      RobotsUnreachableError,
    );
    const unreachable = serve({ error: new Error('connect ECONNREFUSED') });
    await expect(robots.check('https://gone.gov/a', unreachable.fetchRobots)).rejects.toThrow(/ECONNREFUSED/);
    await expect(robots.check('https://thrown.gov/a', () => Promise.reject(new Error('boom')))).rejects.toThrow(
      RobotsUnreachableError,
    );
  });

  it('shares one fetch between concurrent checks', async () => {
    const robots = cache();
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const fetchRobots = async (): Promise<RobotsAnswer> => {
      calls++;
      await gate;
      return { status: 200, body: ROBOTS };
    };
    const checks = [robots.check('https://c.gov/a', fetchRobots), robots.check('https://c.gov/b', fetchRobots)];
    release();
    await Promise.all(checks);
    expect(calls).toBe(1);
  });
});
