import { parseArgs } from 'node:util';
import { classifyCommand, openInput } from './classify.command';
import { RadarConfig } from '@radar/config';
import { reindexSearch } from '@radar/search';
import { crawlOnceCommand, parseFeedCommand } from './crawl.commands';
import { evalCommand } from './eval.command';
import { createKeyCommand, listKeysCommand, revokeKeyCommand } from './keys.commands';
import { evalFeedbackCommand, feedbackCommand, reclassifyCommand } from './feedback.commands';

const HELP = `radar: Policy Radar command line

Usage:
  radar classify [FILE]          classify JSON Lines {id, title, text, url?, source?, publishedAt?}
                                 from FILE or stdin; one JSON line out per line in
  radar eval --gold FILE [--json]
                                 score the classifier on labelled JSON Lines
                                 {id, title, text, labels, policy_action}
  radar parse-feed FILE          parse a local RSS/Atom/RDF/JSON Feed file; prints its title, link
                                 and items as JSON (exit 2 when it is not a feed)
  radar crawl-once --source ID   fetch and parse one configured source once (SOURCES_FILE or the
                                 built-in catalogue); prints classified documents as JSON Lines
  radar crawl-once --url URL [--kind KIND] [--allow-private-network]
                                 the same for any URL (kind: rss, atom, rdf, jsonfeed,
                                 federal-register, regulations-gov, congress, bill-status, page-watch)
                                 crawl-once uses Redis at REDIS_URL for the per-host politeness gate
  radar eval --feedback [--json] score the current classifier on recorded tag feedback
  radar feedback --document ID (--wrong LABEL | --missing LABEL) [--note TEXT] [--by NAME]
                                 record that a document's sub-sector tag is wrong or missing
  radar reclassify [--dry-run]   re-tag stored documents after a vocabulary change; writes only
                                 documents whose tags changed (progress on stderr)
  radar keys create --role ROLE [--name NAME]
                                 create an API key (ROLE: admin, analyst, policy); prints it once
  radar keys list                list API keys (ids, roles, dates; never the keys)
  radar keys revoke ID           revoke an API key and its feed links
  radar reindex                  rebuild the search index from the stored documents (Elasticsearch:
                                 a new index version, then an atomic alias swap)
  radar --help                   this text

Run the system itself with \`npm start\` (see README.md).
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return command ? 0 : 1;
  }
  switch (command) {
    case 'classify': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
      if (positionals.length > 1) throw new UsageError('classify takes at most one FILE');
      return classifyCommand(openInput(positionals[0], process.stdin), process.stdout);
    }
    case 'eval': {
      const { values } = parseArgs({
        args: rest,
        options: {
          gold: { type: 'string' },
          feedback: { type: 'boolean', default: false },
          json: { type: 'boolean', default: false },
        },
      });
      if (values.feedback)
        return evalFeedbackCommand(RadarConfig.fromEnv(process.env), values.json ?? false, process.stdout);
      if (!values.gold) throw new UsageError('eval needs --gold FILE or --feedback');
      return evalCommand(values.gold, values.json ?? false, process.stdout, process.stderr);
    }
    case 'feedback': {
      const { values } = parseArgs({
        args: rest,
        options: {
          document: { type: 'string' },
          wrong: { type: 'string' },
          missing: { type: 'string' },
          note: { type: 'string' },
          by: { type: 'string' },
        },
      });
      if (!values.document || !values.wrong === !values.missing) {
        throw new UsageError('feedback needs --document ID and one of --wrong LABEL or --missing LABEL');
      }
      return feedbackCommand(
        RadarConfig.fromEnv(process.env),
        {
          documentId: values.document,
          kind: values.wrong ? 'wrong_tag' : 'missing_tag',
          label: (values.wrong ?? values.missing)!,
          note: values.note,
          by: values.by,
        },
        process.stdout,
      );
    }
    case 'reclassify': {
      const { values } = parseArgs({ args: rest, options: { 'dry-run': { type: 'boolean', default: false } } });
      return reclassifyCommand(
        RadarConfig.fromEnv(process.env),
        values['dry-run'] ?? false,
        process.stdout,
        process.stderr,
      );
    }
    case 'keys': {
      const [action, ...args] = rest;
      const config = RadarConfig.fromEnv(process.env);
      if (action === 'create') {
        const { values } = parseArgs({ args, options: { role: { type: 'string' }, name: { type: 'string' } } });
        if (!values.role) throw new UsageError('keys create needs --role admin|analyst|policy');
        return createKeyCommand(config, { role: values.role, name: values.name }, process.stdout, process.stderr);
      }
      if (action === 'list') return listKeysCommand(config, process.stdout);
      if (action === 'revoke') {
        const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
        if (positionals.length !== 1) throw new UsageError('keys revoke takes one key ID');
        return revokeKeyCommand(config, positionals[0]!, process.stdout);
      }
      throw new UsageError('keys needs create, list or revoke');
    }
    case 'reindex': {
      const count = await reindexSearch(RadarConfig.fromEnv(process.env));
      process.stdout.write(`reindexed ${count} documents\n`);
      return 0;
    }
    case 'parse-feed': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
      if (positionals.length !== 1) throw new UsageError('parse-feed takes one FILE');
      return parseFeedCommand(positionals[0], process.stdout, process.stderr);
    }
    case 'crawl-once': {
      const { values } = parseArgs({
        args: rest,
        options: {
          source: { type: 'string' },
          url: { type: 'string' },
          kind: { type: 'string' },
          'allow-private-network': { type: 'boolean', default: false },
        },
      });
      if (!values.source === !values.url) throw new UsageError('crawl-once needs --source ID or --url URL');
      return crawlOnceCommand(
        { sourceId: values.source, url: values.url, kind: values.kind },
        RadarConfig.fromEnv(process.env),
        process.stdout,
      );
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

export class UsageError extends Error {}

/** Runs the command line and exits with its code (bin/radar.js calls this). */
export function run(argv: string[]): void {
  main(argv).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`radar: ${(error as Error).message}\n${error instanceof UsageError ? HELP : ''}`);
      process.exit(2);
    },
  );
}

if (require.main === module) run(process.argv.slice(2));
