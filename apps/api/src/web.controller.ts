import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { findWebRoot, webAppMiddleware, WEB_APP_NOT_BUILT } from './web-app.middleware';
import { Public } from './auth/access.decorators';

/**
 * The web app (web/, built by Vite into dist/web by `npm run build`) at `/`: search, the alert
 * desk, subscribe, sources and the outbox, on the JSON API. Served by the api role itself; not
 * part of the OpenAPI document.
 */
@ApiExcludeController()
@Public()
@Controller()
export class WebController implements OnModuleInit {
  private readonly logger = new Logger('Web');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** Runs after the API's routes are registered and before the 404 handler: the app never shadows a route. */
  onModuleInit(): void {
    const http = this.adapterHost.httpAdapter;
    if (!http) return;
    const root = findWebRoot();
    http.use(webAppMiddleware(root));
    if (!existsSync(join(root, 'index.html'))) this.logger.warn(`${WEB_APP_NOT_BUILT} (looked in ${root})`);
  }
}
