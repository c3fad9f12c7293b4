import { setFlagsFromString } from 'node:v8';
import {
  ConsoleLogger,
  DynamicModule,
  INestApplicationContext,
  Logger,
  LoggerService,
  LogLevel,
  Module,
  Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigError, ConfigModule, RadarConfig } from '@radar/config';
import { MetricsModule } from '@radar/metrics';
import { ensureRedis, RedisUnavailableError } from '@radar/queue';
import { applyHttpSecurity, readPackageInfo, setupOpenApi } from './http-surface';
import { PinoLoggerAdapter } from './pino-logger.adapter';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export interface BootOptions {
  /** Name in logs: "all-in-one", "crawler"... */
  name: string;
  /** Role modules to run in this process. */
  roles: Type[];
  /** Serve HTTP (the API role). */
  http: boolean;
  config: RadarConfig;
  /** PATH to look for redis-server when Redis does not answer. */
  searchPath?: string;
  /** Logger levels override (tests keep logs quiet). */
  logLevels?: LogLevel[] | false;
  /** Is stdout a terminal (picks pretty logs when LOG_FORMAT is unset)? */
  interactive?: boolean;
}

export interface RunningRadar {
  app: INestApplicationContext;
  config: RadarConfig;
  /** Base URL of the HTTP server when `http` was asked for. */
  url?: string;
  close(): Promise<void>;
}

@Module({})
class RadarRootModule {
  static register(config: RadarConfig, roles: Type[]): DynamicModule {
    return { module: RadarRootModule, imports: [ConfigModule.forRoot(config), MetricsModule, ...roles] };
  }
}

/**
 * Caps how far V8 grows the heap past the live size the last full GC found. A role allocates
 * fast and mostly short-lived data (feed bodies, job payloads, documents on their way to the
 * index), and V8's default (growing up to about four times the live size) lets it sit on
 * hundreds of MB of garbage; at 40% the all-in-one process keeps about half the heap for the
 * same throughput. The flag is read at every full GC, so setting it at boot takes effect.
 */
export function applyHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/** Boots the given roles in one process on a validated config, after making sure Redis answers. */
export async function bootRadar(options: BootOptions): Promise<RunningRadar> {
  const { config } = options;
  applyHeapGrowth(config.heapGrowthPercent);
  const logLevels = options.logLevels ?? LEVELS.slice(0, LEVELS.indexOf(config.logLevel) + 1);
  const appLogger = createLogger(options.name, config, logLevels, options.interactive ?? false);
  Logger.overrideLogger(appLogger);
  const logger = new Logger(options.name);
  await ensureRedis({
    redisUrl: config.redisUrl,
    autostart: config.redisAutostart,
    dataDir: config.dataDir,
    searchPath: options.searchPath ?? '',
    log: (m) => logger.warn(m),
  });
  const root = RadarRootModule.register(config, options.roles);
  if (!options.http) {
    const app = await NestFactory.createApplicationContext(root, { logger: appLogger });
    app.enableShutdownHooks();
    await app.init();
    logger.log(`${options.name} running (Redis ${config.redisUrl}, queue prefix "${config.queuePrefix}")`);
    return { app, config, close: () => app.close() };
  }
  const app = await NestFactory.create<NestExpressApplication>(root, { logger: appLogger });
  app.disable('x-powered-by');
  applyHttpSecurity(app, config);
  app.useBodyParser('json', { limit: '100kb' });
  setupOpenApi(app, readPackageInfo());
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number };
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host}:${address.port}`;
  logger.log(
    `${options.name} running: web page ${url}/ · API ${url}/api · docs ${url}/api/docs · health ${url}/health`,
  );
  return { app, config, url, close: () => app.close() };
}

/**
 * JSON lines through pino, or Nest's coloured console lines with LOG_FORMAT=pretty; when
 * LOG_FORMAT is unset, pretty on a terminal and JSON otherwise (containers, services, pipes).
 */
function createLogger(
  name: string,
  config: RadarConfig,
  levels: LogLevel[] | false,
  interactive: boolean,
): LoggerService {
  const format = config.logFormat ?? (interactive ? 'pretty' : 'json');
  const enabled = levels === false ? [] : levels;
  if (format === 'json') return new PinoLoggerAdapter({ name, levels: enabled });
  return new ConsoleLogger({ logLevels: enabled });
}

/**
 * Entry point of every process: validates the environment once, boots, and turns the two
 * boot failures an operator can fix (bad configuration, no Redis) into one clear message.
 */
export function runMain(options: Omit<BootOptions, 'config' | 'searchPath'>): void {
  let config: RadarConfig;
  try {
    config = RadarConfig.fromEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  bootRadar({
    ...options,
    config,
    searchPath: process.env.PATH ?? '',
    interactive: process.stdout.isTTY === true,
  }).catch((error: unknown) => {
    if (error instanceof RedisUnavailableError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`${options.name} failed to start: ${(error as Error).stack ?? String(error)}\n`);
    }
    process.exit(1);
  });
}
