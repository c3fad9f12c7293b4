import 'reflect-metadata';
import { runMain } from '@radar/runtime';
import { ApiModule } from './api.module';

runMain({ name: 'api', roles: [ApiModule], http: true });
