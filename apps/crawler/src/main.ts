import 'reflect-metadata';
import { runMain } from '@radar/runtime';
import { CrawlerModule } from './crawler.module';

runMain({ name: 'crawler', roles: [CrawlerModule], http: false });
