import { ConsoleLogger, Logger } from '@nestjs/common';
import { fieldsOf, PinoLoggerAdapter } from './pino-logger.adapter';

/** An adapter writing into an array of parsed lines. */
function capture(levels: ConstructorParameters<typeof PinoLoggerAdapter>[0]['levels']) {
  const lines: Record<string, any>[] = [];
  const logger = new PinoLoggerAdapter({
    name: 'test',
    levels,
    destination: { write: (chunk: string) => void lines.push(JSON.parse(chunk)) },
  });
  return { logger, lines };
}

describe('PinoLoggerAdapter', () => {
  afterEach(() => Logger.overrideLogger(new ConsoleLogger()));

  it('writes one JSON object a line with level, time, name, context and msg', () => {
    const { logger, lines } = capture(['log', 'warn', 'error']);
    logger.log('radar running', 'Boot');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', name: 'test', context: 'Boot', msg: 'radar running' });
    expect(new Date(lines[0].time).toISOString()).toBe(lines[0].time);
  });

  it('lifts source, document, job and delivery ids out of key=value pairs', () => {
    const { logger, lines } = capture(['log', 'warn']);
    logger.log('document=doc-1a2b source=fr-doe created v2 sectors=a,b', 'IngestService');
    logger.warn('queue=crawl job=crawl-source-fr-doe-42 name=crawl-source delayed until x: 429', 'RadarProcessor');
    logger.log('delivery=d-9 sent to subscription=s-3.', 'DeliveryService');
    expect(lines[0]).toMatchObject({ documentId: 'doc-1a2b', sourceId: 'fr-doe', context: 'IngestService' });
    expect(lines[0].msg).toBe('document=doc-1a2b source=fr-doe created v2 sectors=a,b');
    expect(lines[0]).not.toHaveProperty('sectors');
    expect(lines[1]).toMatchObject({ level: 'warn', queue: 'crawl', jobId: 'crawl-source-fr-doe-42' });
    expect(lines[1].name).toBe('test');
    expect(lines[2]).toMatchObject({ deliveryId: 'd-9', subscriptionId: 's-3' });
  });

  it('parses pairs only at word starts, first occurrence winning', () => {
    expect(fieldsOf('source=a url=https://x.example/?source=b&job=c: failed source=d')).toEqual({
      sourceId: 'a',
      url: 'https://x.example/?source=b&job=c',
    });
    expect(fieldsOf('nothing here')).toEqual({});
  });

  it('keeps the stack of an error, given by Nest as a parameter or carried by an Error', () => {
    const { logger, lines } = capture(['error']);
    logger.error('job failed source=x', 'Error: boom\n    at f (a.ts:1:1)', 'Crawl');
    logger.error(new Error('exploded'), undefined, 'Crawl');
    logger.error('plain', 'Ctx');
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'job failed source=x', sourceId: 'x', context: 'Crawl' });
    expect(lines[0].stack).toContain('at f (a.ts:1:1)');
    expect(lines[1]).toMatchObject({ msg: 'exploded', context: 'Crawl' });
    expect(lines[1].stack).toContain('Error: exploded');
    expect(lines[2]).toMatchObject({ msg: 'plain', context: 'Ctx' });
    expect(lines[2]).not.toHaveProperty('stack');
  });

  it('drops levels not enabled, and follows setLogLevels', () => {
    const { logger, lines } = capture(['error']);
    logger.log('quiet');
    logger.debug('quiet');
    logger.error('loud');
    logger.setLogLevels(['error', 'verbose']);
    logger.verbose('now on');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['error', 'loud'],
      ['trace', 'now on'],
    ]);
  });

  it('serves as the logger behind Nest Logger instances', () => {
    const { logger, lines } = capture(['log']);
    Logger.overrideLogger(logger);
    new Logger('CrawlService').log('source=fr-doe fetched items=3 new=1');
    expect(lines[0]).toMatchObject({
      context: 'CrawlService',
      sourceId: 'fr-doe',
      msg: 'source=fr-doe fetched items=3 new=1',
    });
  });

  it('keeps an object message as data', () => {
    const { logger, lines } = capture(['log']);
    logger.log({ message: 'hello', extra: 1 }, 'Ctx');
    expect(lines[0]).toMatchObject({ msg: 'hello', data: { message: 'hello', extra: 1 }, context: 'Ctx' });
  });
});
