import { Controller, Get, Post } from '@nestjs/common';
import { GATEWAY_CONTROLLERS } from '../app.module';
import { describeAccess, Public, RequireRole } from './access.decorators';
import { QUEUE_BOARD_ROUTE } from '../queue-board/queue-board';
import { assertEveryRouteDeclaresAccess, describeRoutes } from './route-access';

// The route table of docs/security.md. A new route fails here until it declares who may call it
// (and the table, and the docs, say so).
const EXPECTED: Record<string, string> = {
  'POST /api/v1/sentiment': 'predict',
  'POST /api/v1/sentiment/batch': 'predict',
  'POST /api/v1/evaluate': 'operator',
  'GET /api/v1/evaluations': 'operator',
  'GET /api/v1/evaluations/:id': 'operator',
  'DELETE /api/v1/evaluations/:id': 'operator',
  'GET /api/v1/schedules': 'operator',
  'PATCH /api/v1/schedules/:id': 'admin',
  'POST /api/v1/schedules/:id/run': 'operator',
  'POST /api/v1/drift/run': 'operator',
  'GET /api/v1/drift/reports': 'operator',
  'GET /api/v1/drift/reports/:id.md': 'operator',
  'GET /api/v1/drift/reports/:id.png': 'operator',
  'GET /api/v1/drift/reports/:id': 'operator',
  'GET /api/v1/drift/alerts': 'operator',
  'GET /api/v1/comparisons': 'operator',
  'GET /api/v1/comparisons/:id.md': 'operator',
  'GET /api/v1/comparisons/:id.png': 'operator',
  'GET /api/v1/comparisons/:id': 'operator',
  'GET /api/v1/models': 'operator',
  'GET /api/v1/models/:name': 'operator',
  'POST /api/v1/models/:name/aliases': 'operator',
  'POST /api/v1/models/fine-tune': 'operator',
  'GET /api/v1/models/training-runs/:id': 'operator',
  'POST /admin/keys': 'admin',
  'GET /admin/keys': 'admin',
  'DELETE /admin/keys/:name': 'admin',
  'ALL /admin/queues/*': 'admin',
  'GET /admin/dashboard/metrics': 'operator',
  'GET /admin/metrics': 'metrics token',
  'GET /health': 'public (not rate limited)',
  'GET /ready': 'public (not rate limited)',
  'GET /live': 'public (not rate limited)',
  'GET /': 'public',
  'GET /admin/dashboard': 'public',
  'GET /ui/:file': 'public',
  'GET /ui/vendor/chart.umd.min.js': 'public',
};

describe('route access levels', () => {
  // Bull Board is an Express router mounted beside the controllers: its access level is declared in queue-board.ts.
  const routes = [...describeRoutes(GATEWAY_CONTROLLERS), QUEUE_BOARD_ROUTE];

  it('every route of the gateway declares an access level', () => {
    expect(routes.filter((route) => route.access === undefined).map((route) => `${route.method} ${route.path}`)).toEqual([]);
    expect(() => assertEveryRouteDeclaresAccess(GATEWAY_CONTROLLERS)).not.toThrow();
  });

  it('matches the documented route table exactly', () => {
    const actual = Object.fromEntries(routes.map((route) => [`${route.method} ${route.path}`, route.access ? describeAccess(route.access) : 'NONE']));
    expect(actual).toEqual(EXPECTED);
  });

  it('keeps every /admin route except /admin/metrics and the dashboard page behind operator or admin', () => {
    const admin = routes.filter((route) => route.path.startsWith('/admin/') && !['/admin/metrics', '/admin/dashboard'].includes(route.path));
    expect(admin.length).toBeGreaterThan(0);
    for (const route of admin) expect(route.access).toMatchObject({ kind: 'role', role: expect.stringMatching(/^(operator|admin)$/) });
  });

  it('refuses to start with a route that declares nothing, naming it', () => {
    @Controller('things')
    class Forgotten {
      @Get() list() {
        return [];
      }
      @Post() @RequireRole('admin') create() {
        return {};
      }
    }
    @Public()
    @Controller('open')
    class ClassLevel {
      @Get(':id') one() {
        return {};
      }
    }
    expect(() => assertEveryRouteDeclaresAccess([Forgotten, ClassLevel])).toThrow('routes without an access level (add @Public(), @RequireRole(…) or @RequireMetricsToken()): GET /things');
  });
});
