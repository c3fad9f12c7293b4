import type { SourceKind } from '@radar/sources';
import { SourceParseError, type ParseContext, type ParseResult, type SourceParser } from '../parser';
import { parseBillStatus } from './bill-status-parser';
import { parseCongress } from './congress-parser';
import { parseFederalRegister } from './federal-register-parser';
import { parseFeedSource } from './feed-parser';
import { parseHtmlList } from './html-list-parser';
import { parseJsonFeedSource } from './jsonfeed-parser';
import { parseRegulationsGov } from './regulations-gov-parser';

export * from './feed-parser';
export * from './jsonfeed-parser';
export * from './federal-register-parser';
export * from './regulations-gov-parser';
export * from './congress-parser';
export * from './bill-status-parser';
export * from './html-list-parser';
export * from './describe-feed';
export { ordinal, billLabel, congressGovUrl } from './bills';
export { plausibleDate, calendarDate } from './common';

/** One pure parser per source kind (page-watch is stateful: see page-watch.ts). */
export const PARSERS: Record<Exclude<SourceKind, 'page-watch'>, SourceParser> = {
  rss: parseFeedSource,
  atom: parseFeedSource,
  rdf: parseFeedSource,
  jsonfeed: parseJsonFeedSource,
  'federal-register': parseFederalRegister,
  'regulations-gov': parseRegulationsGov,
  congress: parseCongress,
  'bill-status': parseBillStatus,
  'html-list': parseHtmlList,
};

/** Parses a response body with the parser of `ctx.source.kind`. */
export async function parseSourceBody(body: Buffer, ctx: ParseContext): Promise<ParseResult> {
  const kind = ctx.source.kind;
  if (kind === 'page-watch') {
    throw new SourceParseError(
      `source ${ctx.source.id}: page-watch sources are diffed (pageText/diffPage), not parsed`,
    );
  }
  return PARSERS[kind](body, ctx);
}
