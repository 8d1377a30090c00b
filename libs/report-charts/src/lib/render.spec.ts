import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TopLevelSpec } from 'vega-lite';
import { hasPngSignature, inkPixels, pngSize } from '../test/png';
import { BASE_CONFIG, bundledFonts, renderVegaLite, svgToPng } from './render';

const barSpec = (title?: string): TopLevelSpec => ({
  config: { ...BASE_CONFIG, axis: { labels: false, title: null, ticks: false } },
  ...(title ? { title } : {}),
  width: 200,
  height: 100,
  data: { values: [{ x: 'a', y: 1 }, { x: 'b', y: 3 }] },
  mark: 'bar',
  encoding: { x: { field: 'x', type: 'nominal' }, y: { field: 'y', type: 'quantitative' } },
});

describe('svgToPng', () => {
  const square = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect x="0" y="0" width="20" height="30" fill="#000"/></svg>';

  it('writes a PNG whose IHDR size is the SVG size times the scale', () => {
    const png = svgToPng(square, { scale: 3 });
    expect(hasPngSignature(png)).toBe(true);
    expect(pngSize(png)).toEqual({ width: 120, height: 90 });
    // Half of the page is the black rectangle.
    expect(inkPixels(png)).toBe(60 * 90);
  });

  it('draws text with the bundled DejaVu Sans, without system fonts', () => {
    expect(bundledFonts().every((file) => existsSync(file))).toBe(true);
    const text = (family: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="4" y="28" font-family="${family}" font-size="20">Drift 0.184</text></svg>`;
    expect(inkPixels(svgToPng(text('DejaVu Sans')))).toBeGreaterThan(200);
    // No system fonts are loaded: without font files there is no glyph to draw.
    expect(inkPixels(svgToPng(text('DejaVu Sans'), { fontFiles: [] }))).toBe(0);
    // Generic families resolve to the same bundled font, so Vega's defaults render too.
    expect(svgToPng(text('sans-serif')).equals(svgToPng(text('DejaVu Sans')))).toBe(true);
  });

  it('renders text holding characters XML forbids (a control code in an error message) instead of failing', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="4" y="28" font-size="20">bad\u001b[31m \u0000input</text></svg>';
    expect(inkPixels(svgToPng(svg))).toBeGreaterThan(200);
  });

  it('rejects a scale that is not a positive number', () => {
    expect(() => svgToPng(square, { scale: 0 })).toThrow(RangeError);
    expect(() => svgToPng(square, { scale: Number.NaN })).toThrow(RangeError);
  });
});

describe('renderVegaLite', () => {
  it('returns the SVG and a non-blank PNG of it', async () => {
    const { svg, png } = await renderVegaLite(barSpec('Two bars'), { scale: 1 });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Two bars');
    const { width, height } = pngSize(png);
    expect(width).toBeGreaterThanOrEqual(200);
    expect(width).toBeLessThan(300);
    expect(height).toBeGreaterThanOrEqual(100);
    expect(height).toBeLessThan(200);
    expect(inkPixels(png)).toBeGreaterThan(1000);
  });

  it('renders text: the same chart with a title has more ink than without', async () => {
    const titled = await renderVegaLite(barSpec('A title that must show'), { scale: 1 });
    const untitled = await renderVegaLite(barSpec(), { scale: 1 });
    expect(titled.png.equals(untitled.png)).toBe(false);
    expect(inkPixels(titled.png)).toBeGreaterThan(inkPixels(untitled.png) + 100);
  });

  it('refuses to load data from a URL or file, and says so instead of drawing an empty chart', async () => {
    let requests = 0;
    const server = createServer((_request, response) => {
      requests += 1;
      response.end('[{"x":"a","y":1}]');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const spec: TopLevelSpec = { ...barSpec(), data: { url: `http://127.0.0.1:${port}/data.json` } };
      await expect(renderVegaLite(spec)).rejects.toThrow(/inline data only/);
      await expect(renderVegaLite({ ...barSpec(), data: { url: 'file:///etc/passwd' } })).rejects.toThrow(/inline data only/);
      expect(requests).toBe(0);
    } finally {
      server.close();
    }
  });

  it('is deterministic: same spec, same bytes', async () => {
    const first = await renderVegaLite(barSpec('Same'));
    const second = await renderVegaLite(barSpec('Same'));
    expect(second.svg).toBe(first.svg);
    expect(second.png.equals(first.png)).toBe(true);
  });
});
