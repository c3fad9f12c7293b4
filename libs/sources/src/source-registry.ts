import { Injectable, Logger } from '@nestjs/common';
import { RadarConfig } from '@radar/config';
import { defaultTaxonomy } from '@radar/core';
import type { Source } from './source';
import { BUILTIN_CATALOGUE, loadSourceFile } from './source-catalogue';

/** API keys by source kind: a source of that kind that needs a key is disabled without it. */
const API_KEYS: Partial<Record<Source['kind'], { setting: string; value: (c: RadarConfig) => string | undefined }>> = {
  'regulations-gov': { setting: 'REGULATIONS_GOV_API_KEY', value: (c) => c.regulationsGovApiKey },
  congress: { setting: 'CONGRESS_GOV_API_KEY', value: (c) => c.congressGovApiKey },
};

/** Request headers that carry the API key of a source's kind, if it uses one and the key is set. */
export function apiKeyHeadersFor(config: RadarConfig, source: Source): Record<string, string> {
  const key = API_KEYS[source.kind]?.value(config);
  return key ? { 'x-api-key': key } : {};
}

/** The configured sources, loaded and validated once at boot (a bad file stops the boot). */
@Injectable()
export class SourceRegistry {
  private readonly logger = new Logger(SourceRegistry.name);
  private readonly byId: ReadonlyMap<string, Source>;
  private readonly disabled: ReadonlyMap<string, string>;
  readonly file: string;

  constructor(private readonly config: RadarConfig) {
    this.file = config.sourcesFile ?? BUILTIN_CATALOGUE;
    const known = new Set(defaultTaxonomy().subSectors.map((s) => s.id));
    const sources = loadSourceFile(this.file, known);
    this.byId = new Map(sources.map((s) => [s.id, s]));
    const disabled = new Map<string, string>();
    for (const source of sources) {
      const key = API_KEYS[source.kind];
      if (source.requiresApiKey && key && !key.value(config)) {
        disabled.set(source.id, `needs an API key: set ${key.setting}`);
      }
    }
    this.disabled = disabled;
    this.logger.log(
      `${sources.length} sources from ${this.file}` +
        (disabled.size ? `; ${disabled.size} disabled for want of an API key (see GET /api/sources)` : ''),
    );
  }

  all(): Source[] {
    return [...this.byId.values()];
  }

  /** Sources the crawler fetches: enabled, and with their API key when they need one. */
  enabled(): Source[] {
    return this.all().filter((s) => s.enabled && !this.disabled.has(s.id));
  }

  get(id: string): Source | undefined {
    return this.byId.get(id);
  }

  /** Why a source is not crawled although enabled in the file (a missing API key), if so. */
  disabledReason(id: string): string | undefined {
    return this.disabled.get(id);
  }

  /** Request headers that carry the source's API key, if its kind uses one. */
  apiKeyHeaders(source: Source): Record<string, string> {
    return apiKeyHeadersFor(this.config, source);
  }
}
