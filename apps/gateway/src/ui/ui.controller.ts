import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/access.decorators';
import { CHART_JS_FILE, loadChartJs, loadUiAssets, type UiAsset } from './ui-assets';

const UI_FILES = ['index.html', 'dashboard.html', 'app.js', 'results.js', 'upload.js', 'dashboard.js', 'dashboard-charts.js', 'dashboard-runs.js', 'api-key.js', 'styles.css'] as const;

/**
 * The web UI at / and the metrics dashboard at /admin/dashboard: static files holding no data, so
 * public (a browser cannot attach an API key to a page load); the data comes from API calls that
 * carry the key the user typed, and those are protected.
 */
@ApiExcludeController()
@Public()
@Controller()
export class UiController {
  private readonly assets = loadUiAssets(UI_FILES);
  private readonly chartJs = loadChartJs();

  @Get()
  index(@Res() res: Response): void {
    this.send(res, this.asset('index.html'));
  }

  @Get('admin/dashboard')
  dashboard(@Res() res: Response): void {
    this.send(res, this.asset('dashboard.html'));
  }

  // Our own files change with every deploy: revalidated on each load (cheap, Express sends an ETag).
  @Get('ui/:file')
  file(@Param('file') file: string, @Res() res: Response): void {
    if (file.endsWith('.html') || !(UI_FILES as readonly string[]).includes(file)) throw new NotFoundException(`no UI file ${file}`);
    this.send(res, this.asset(file));
  }

  // A pinned third-party build (package.json holds the exact version): cached for a day, then revalidated by ETag.
  @Get(`ui/vendor/${CHART_JS_FILE}`)
  chartLibrary(@Res() res: Response): void {
    this.send(res, this.chartJs, 'public, max-age=86400');
  }

  private asset(name: string): UiAsset {
    return this.assets.get(name) as UiAsset;
  }

  private send(res: Response, asset: UiAsset, cacheControl = 'no-cache'): void {
    res.setHeader('Content-Type', asset.contentType);
    res.setHeader('Cache-Control', cacheControl);
    res.send(asset.body);
  }
}
