import { Injectable, Logger } from '@nestjs/common';
import { RadarConfig } from '@radar/config';
import { defaultTaxonomy } from '@radar/core';
import type { Source } from './source';
import { BUILTIN_CATALOGUE, loadSourceFile } from './source-catalogue';

/** The configured sources, loaded and validated once at boot (a bad file stops the boot). */
@Injectable()
export class SourceRegistry {
  private readonly logger = new Logger(SourceRegistry.name);
  private readonly byId: ReadonlyMap<string, Source>;
  readonly file: string;

  constructor(config: RadarConfig) {
    this.file = config.sourcesFile ?? BUILTIN_CATALOGUE;
    const known = new Set(defaultTaxonomy().subSectors.map((s) => s.id));
    const sources = loadSourceFile(this.file, known);
    this.byId = new Map(sources.map((s) => [s.id, s]));
    this.logger.log(`${sources.length} sources from ${this.file}`);
  }

  all(): Source[] {
    return [...this.byId.values()];
  }

  enabled(): Source[] {
    return this.all().filter((s) => s.enabled);
  }

  get(id: string): Source | undefined {
    return this.byId.get(id);
  }
}
