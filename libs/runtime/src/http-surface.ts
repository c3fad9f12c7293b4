import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { RadarConfig } from '@radar/config';
import helmet from 'helmet';

/** OpenAPI security scheme of API keys (`Authorization: Bearer <key>`); routes name it in `ApiBearerAuth`. */
export const API_KEY_SCHEME = 'api-key';

export interface PackageInfo {
  name: string;
  version: string;
  description: string;
}

/** The project's package.json, found upwards from this file (src/ in development, dist/ in a build or image). */
export function readPackageInfo(from = __dirname): PackageInfo {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as Partial<PackageInfo>;
      if (pkg.name === 'policy-radar') {
        return { name: pkg.name, version: pkg.version ?? '0.0.0', description: pkg.description ?? '' };
      }
    }
    if (dirname(dir) === dir) return { name: 'policy-radar', version: '0.0.0', description: '' };
  }
}

export const OPENAPI_UI_PATH = 'api/docs';
export const OPENAPI_JSON_PATH = 'api/docs-json';

/** OpenAPI 3 generated from the controllers' decorators: the UI at /api/docs, the document at /api/docs-json. */
export function setupOpenApi(app: NestExpressApplication, pkg: PackageInfo): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Policy Radar API')
      .setVersion(pkg.version)
      .setDescription(
        `${pkg.description}\n\nSearch uses the query language of the web page (\`"export controls" sector:semiconductors\`). ` +
          'Invalid input is a 400 whose `message` lists every problem; a malformed query also gives its `position`.',
      )
      .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key (`radar keys create --role admin|analyst|policy`).',
        },
        API_KEY_SCHEME,
      )
      .build(),
  );
  SwaggerModule.setup(OPENAPI_UI_PATH, app, document, {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'Policy Radar API',
  });
}

/**
 * Security headers on every response (helmet), and CORS only for CORS_ORIGINS. Scripts load from
 * this origin only; inline styles are allowed (the subscriber pages, Swagger UI and the queue
 * dashboard use them). The web page at / sets its own policy for its inline script.
 */
export function applyHttpSecurity(app: NestExpressApplication, config: RadarConfig): void {
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'", 'https:', "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'font-src': ["'self'", 'https:', 'data:'],
          'connect-src': ["'self'"],
          'object-src': ["'none'"],
          'frame-ancestors': ["'none'"],
          'base-uri': ["'self'"],
          'form-action': ["'self'"],
          // Served over plain HTTP on localhost by default: do not make browsers rewrite to https.
          'upgrade-insecure-requests': null,
        },
      },
      frameguard: { action: 'deny' },
    }),
  );
  if (config.corsOrigins.length > 0) {
    app.enableCors({ origin: [...config.corsOrigins], methods: ['GET', 'HEAD', 'POST', 'PATCH'], maxAge: 600 });
  }
}
