import 'reflect-metadata';
import { runMain } from '@radar/runtime';
import { ClassifierModule } from './classifier.module';

runMain({ name: 'classifier', roles: [ClassifierModule], http: false });
