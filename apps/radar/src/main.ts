import 'reflect-metadata';
import { runMain } from '@radar/runtime';
import { ApiModule } from '../../api/src/api.module';
import { ClassifierModule } from '../../classifier/src/classifier.module';
import { CrawlerModule } from '../../crawler/src/crawler.module';
import { NotifierModule } from '../../notifier/src/notifier.module';

/** All four roles in one process on embedded defaults: `npm start`. */
runMain({ name: 'policy-radar', roles: [CrawlerModule, ClassifierModule, NotifierModule, ApiModule], http: true });
