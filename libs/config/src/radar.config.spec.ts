import { availableParallelism } from 'node:os';
import { ConfigError, RadarConfig } from './radar.config';

describe('RadarConfig', () => {
  it('applies embedded defaults to an empty environment', () => {
    const config = RadarConfig.fromEnv({});
    expect(config.port).toBe(3000);
    expect(config.searchBackend).toBe('sqlite');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.smtpUrl).toBeUndefined();
    expect(config.dataDir).toMatch(/\/data$/);
    expect(config.publicUrl).toBe('http://localhost:3000');
  });

  it('reports every bad key in one error', () => {
    let error: unknown;
    try {
      RadarConfig.fromEnv({
        PORT: 'eighty',
        REDIS_URL: 'http://x',
        SEARCH_BACKEND: 'elasticsearch',
        SMTP_URL: 'mail.example.com',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('PORT');
    expect(problems).toContain('REDIS_URL');
    expect(problems).toContain('SMTP_URL');
    expect(problems).toContain('ELASTICSEARCH_URL: is required when SEARCH_BACKEND=elasticsearch');
    expect((error as ConfigError).problems).toHaveLength(4);
  });

  it('treats empty strings as unset and is immutable', () => {
    const config = RadarConfig.fromEnv({ SMTP_URL: '', PUBLIC_URL: 'https://radar.example.org/' });
    expect(config.smtpUrl).toBeUndefined();
    expect(config.publicUrl).toBe('https://radar.example.org');
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('derives a changed copy without touching the original', () => {
    const config = RadarConfig.fromEnv({});
    const moved = config.with({ redisUrl: 'redis://127.0.0.1:6400' });
    expect(moved.redisUrl).toBe('redis://127.0.0.1:6400');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(moved).toBeInstanceOf(RadarConfig);
  });

  it('reads subscribe limits, TRUST_PROXY and RADAR_SECRET, never echoing the secret in an error', () => {
    const defaults = RadarConfig.fromEnv({});
    expect(defaults).toMatchObject({
      subscribeLimitPerAddressPerHour: 5,
      subscribeLimitPerIpPerHour: 20,
      trustProxy: false,
    });
    expect(defaults.radarSecret).toBeUndefined();
    const set = RadarConfig.fromEnv({
      SUBSCRIBE_LIMIT_PER_ADDRESS_PER_HOUR: '2',
      SUBSCRIBE_LIMIT_PER_IP_PER_HOUR: '0',
      TRUST_PROXY: 'true',
      RADAR_SECRET: 'x'.repeat(32),
    });
    expect(set).toMatchObject({ subscribeLimitPerAddressPerHour: 2, subscribeLimitPerIpPerHour: 0, trustProxy: true });
    let error: unknown;
    try {
      RadarConfig.fromEnv({ RADAR_SECRET: 'short-secret' });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems).toEqual(['RADAR_SECRET: must be at least 32 characters']);
  });

  it('reads LOG_FORMAT, CORS_ORIGINS and ADMIN_TOKEN, never echoing the token in an error', () => {
    const defaults = RadarConfig.fromEnv({});
    expect(defaults.logFormat).toBeUndefined();
    expect(defaults.corsOrigins).toEqual([]);
    expect(defaults.adminToken).toBeUndefined();
    const set = RadarConfig.fromEnv({
      LOG_FORMAT: 'pretty',
      CORS_ORIGINS: 'https://app.example.org, http://localhost:5173/',
      ADMIN_TOKEN: 'a'.repeat(16),
    });
    expect(set).toMatchObject({ logFormat: 'pretty', adminToken: 'a'.repeat(16) });
    expect(set.corsOrigins).toEqual(['https://app.example.org', 'http://localhost:5173']);
    let error: unknown;
    try {
      RadarConfig.fromEnv({
        LOG_FORMAT: 'xml',
        CORS_ORIGINS: 'https://ok.example.org,https://x.example.org/path',
        ADMIN_TOKEN: 'short',
      });
    } catch (e) {
      error = e;
    }
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toContain('LOG_FORMAT');
    expect(problems.join('\n')).toContain('"https://x.example.org/path" is not an origin');
    expect(problems).toContain('ADMIN_TOKEN: must be at least 16 characters');
  });

  it('reads instant batching and digest timing, with bounds', () => {
    expect(RadarConfig.fromEnv({})).toMatchObject({ instantBatchSeconds: 60, digestHour: 7, digestWeekday: 1 });
    expect(RadarConfig.fromEnv({ INSTANT_BATCH_SECONDS: '0', DIGEST_HOUR: '18', DIGEST_WEEKDAY: '7' })).toMatchObject({
      instantBatchSeconds: 0,
      digestHour: 18,
      digestWeekday: 7,
    });
    let error: unknown;
    try {
      RadarConfig.fromEnv({ INSTANT_BATCH_SECONDS: '-1', DIGEST_HOUR: '24', DIGEST_WEEKDAY: '0' });
    } catch (e) {
      error = e;
    }
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('INSTANT_BATCH_SECONDS');
    expect(problems).toContain('DIGEST_HOUR');
    expect(problems).toContain('DIGEST_WEEKDAY');
  });

  it('reads CLASSIFY_THREADS (default: one with two or more cores) and HEAP_GROWTH_PERCENT', () => {
    const defaults = RadarConfig.fromEnv({});
    expect(defaults.classifyThreads).toBe(availableParallelism() > 1 ? 1 : 0);
    expect(defaults.heapGrowthPercent).toBe(40);
    expect(RadarConfig.fromEnv({ CLASSIFY_THREADS: '0', HEAP_GROWTH_PERCENT: '0' })).toMatchObject({
      classifyThreads: 0,
      heapGrowthPercent: 0,
    });
    expect(() => RadarConfig.fromEnv({ CLASSIFY_THREADS: '-1' })).toThrow(/CLASSIFY_THREADS/);
    expect(() => RadarConfig.fromEnv({ HEAP_GROWTH_PERCENT: 'lots' })).toThrow(/HEAP_GROWTH_PERCENT/);
  });
});
