import { DynamicModule, Global, Module } from '@nestjs/common';
import { RadarConfig } from './radar.config';

/** Provides the validated RadarConfig to every module. Built once at boot by the caller. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: RadarConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: RadarConfig, useValue: config }],
      exports: [RadarConfig],
    };
  }
}
