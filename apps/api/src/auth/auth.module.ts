import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { SearchModule } from '@radar/search';
import { RateLimiter } from '../rate-limit.adapter';
import { ApiAccessGuard } from './api-access.guard';
import { ApiKeyService } from './api-keys.service';
import { KeysController } from './keys.controller';

/** API keys with roles, feed tokens and request rate limits for every route of the API. */
@Module({
  imports: [SearchModule],
  controllers: [KeysController],
  providers: [ApiKeyService, RateLimiter, { provide: APP_GUARD, useClass: ApiAccessGuard }],
  exports: [ApiKeyService, RateLimiter],
})
export class AuthModule {}
