import type { LoggerService, LogLevel } from '@nestjs/common';
import pino, { type DestinationStream, type Logger as Pino } from 'pino';

/** Nest's levels as pino levels ("log" is info, "verbose" is trace). */
const PINO_LEVEL: Record<LogLevel, pino.Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * The `key=value` pairs log lines carry, and the JSON field each becomes. Only these are lifted
 * out: other pairs stay in `msg` only, so a stray `a=b` in an error text never shadows a field.
 */
const FIELDS: Record<string, string> = {
  source: 'sourceId',
  document: 'documentId',
  job: 'jobId',
  delivery: 'deliveryId',
  subscription: 'subscriptionId',
  queue: 'queue',
  url: 'url',
};

const PAIR = /(?<=^|\s)([a-z]+)=(\S+)/g;

/** `source=fr-doe url=https://x fetched` → `{ sourceId: 'fr-doe', url: 'https://x' }` (first occurrence wins). */
export function fieldsOf(message: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [, key, raw] of message.matchAll(PAIR)) {
    const field = FIELDS[key];
    const value = raw.replace(/[,;:.]+$/, '');
    if (field && value && !(field in fields)) fields[field] = value;
  }
  return fields;
}

export interface PinoLoggerOptions {
  /** Process name, the `name` field of every line ("api", "policy-radar"...). */
  name: string;
  /** Levels written; the others are dropped. */
  levels: LogLevel[];
  /** Where lines go; stdout when omitted (tests pass a stream to read them). */
  destination?: DestinationStream;
}

/**
 * Nest's LoggerService over pino: one JSON object a line with level, time, name, context, msg,
 * and the ids found in the message (sourceId, documentId, jobId, deliveryId...) as fields.
 * The only code that talks to pino.
 */
export class PinoLoggerAdapter implements LoggerService {
  private readonly pino: Pino;
  private enabled: Set<LogLevel>;

  constructor(options: PinoLoggerOptions) {
    this.enabled = new Set(options.levels);
    this.pino = pino(
      {
        name: options.name,
        level: 'trace',
        base: { pid: process.pid },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      options.destination ?? pino.destination({ dest: 1, sync: true }),
    );
  }

  setLogLevels(levels: LogLevel[]): void {
    this.enabled = new Set(levels);
  }

  isLevelEnabled(level: LogLevel): boolean {
    return this.enabled.has(level);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** Nest calls `error(message, stack?, context?)`; an Error as the message carries its own stack. */
  error(message: unknown, ...params: unknown[]): void {
    if (!this.enabled.has('error')) return;
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    let stack: string | undefined;
    let context: string | undefined;
    if (params.length >= 2) {
      stack = text(params[0]);
      context = text(params[params.length - 1]);
    } else if (/\n\s+at /.test(text(params[0]) ?? '')) {
      stack = text(params[0]);
    } else {
      context = text(params[0]);
    }
    if (message instanceof Error) stack ??= message.stack;
    this.emit('error', message, context, stack);
  }

  /** Nest appends the context as the last parameter. */
  private write(level: LogLevel, message: unknown, params: unknown[]): void {
    if (!this.enabled.has(level)) return;
    const last = params[params.length - 1];
    this.emit(level, message, typeof last === 'string' ? last : undefined);
  }

  private emit(level: LogLevel, message: unknown, context?: string, stack?: string): void {
    const fields: Record<string, unknown> = { context };
    let msg: string;
    if (message instanceof Error) {
      msg = message.message;
    } else if (typeof message === 'object' && message !== null) {
      msg =
        typeof (message as { message?: unknown }).message === 'string' ? (message as { message: string }).message : '';
      fields.data = message;
    } else {
      msg = String(message);
    }
    Object.assign(fields, fieldsOf(msg));
    if (stack) fields.stack = stack;
    this.pino[PINO_LEVEL[level]](fields, msg);
  }
}
