import { DynamicModule, Global, Module } from '@nestjs/common';
import { RadarConfig } from './radar.config';
import { SecretStore } from './secret-store';

/** Provides the validated RadarConfig (and the link-signing SecretStore) to every module. Built once at boot by the caller. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: RadarConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: RadarConfig, useValue: config }, SecretStore],
      exports: [RadarConfig, SecretStore],
    };
  }
}
