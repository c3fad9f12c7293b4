import { Module } from '@nestjs/common';
import { SearchModule } from '@radar/search';
import { InsightsController } from './insights.controller';
import { TrendsService } from './trends.service';

/** GET /api/taxonomy, /api/trends and /api/export (issue 7). */
@Module({ imports: [SearchModule], controllers: [InsightsController], providers: [TrendsService] })
export class InsightsModule {}
