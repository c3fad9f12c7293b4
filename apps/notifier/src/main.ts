import 'reflect-metadata';
import { runMain } from '@radar/runtime';
import { NotifierModule } from './notifier.module';

runMain({ name: 'notifier', roles: [NotifierModule], http: false });
