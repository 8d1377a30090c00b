import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/access.decorators';
import { loadUiAssets, type UiAsset } from './ui-assets';

const UI_FILES = ['index.html', 'dashboard.html', 'app.js', 'dashboard.js', 'api-key.js', 'styles.css'] as const;

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

  @Get()
  index(@Res() res: Response): void {
    this.send(res, 'index.html');
  }

  @Get('admin/dashboard')
  dashboard(@Res() res: Response): void {
    this.send(res, 'dashboard.html');
  }

  @Get('ui/:file')
  file(@Param('file') file: string, @Res() res: Response): void {
    if (file.endsWith('.html') || !(UI_FILES as readonly string[]).includes(file)) throw new NotFoundException(`no UI file ${file}`);
    this.send(res, file);
  }

  private send(res: Response, name: string): void {
    const asset = this.assets.get(name) as UiAsset;
    res.setHeader('Content-Type', asset.contentType);
    res.setHeader('Cache-Control', 'no-cache');
    res.send(asset.body);
  }
}
