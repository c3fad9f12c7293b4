import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { parseSources, Source, SourceFileError } from './source';

/** The built-in catalogue of real US sources, shipped with the code. */
export const BUILTIN_CATALOGUE = join(__dirname, '..', 'data', 'catalogue.yaml');

/** Reads and validates a YAML or JSON source file. Throws SourceFileError naming file, entry and problem. */
export function loadSourceFile(file: string, knownSubSectors?: ReadonlySet<string>): Source[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SourceFileError(file, [`cannot be read: ${(error as Error).message}`]);
  }
  let data: unknown;
  try {
    data = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` (line ${error.linePos[0].line})` : '';
    throw new SourceFileError(file, [
      `is not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}${where}: ${(error as Error).message.split('\n')[0]}`,
    ]);
  }
  return parseSources(data, file, knownSubSectors);
}
