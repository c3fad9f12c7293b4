/**
 * The conformance suite against a real Elasticsearch 9 cluster. Runs only when ELASTICSEARCH_URL
 * is set (`npm run test:es`); otherwise the block is reported as NOT RUN, never as passed.
 * Each test gets its own index prefix; everything it created is deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import { describeSearchIndexConformance } from '../conformance';
import { ElasticsearchSearchIndex } from './elasticsearch-search-index.adapter';

// Test-only: the URL of a throwaway cluster (the app reads it through RadarConfig).
const url = process.env.ELASTICSEARCH_URL;

if (url) {
  const created: ElasticsearchSearchIndex[] = [];
  afterAll(async () => {
    for (const index of created) {
      const cleanup = new ElasticsearchSearchIndex({ node: url, indexPrefix: index.names.prefix });
      await cleanup.deleteEverything();
      await cleanup.close();
    }
  });
  describeSearchIndexConformance('elasticsearch', async () => {
    const index = new ElasticsearchSearchIndex({
      node: url,
      indexPrefix: `radar-test-${randomBytes(4).toString('hex')}`,
    });
    created.push(index);
    return index;
  });
} else {
  process.stderr.write('NOT RUN: Elasticsearch conformance suite; set ELASTICSEARCH_URL (npm run test:es)\n');
  describe.skip('SearchIndex conformance: elasticsearch [NOT RUN: set ELASTICSEARCH_URL]', () => {
    it('needs a cluster', () => undefined);
  });
}
