import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loader as vegaLoader, parse, View, type Loader, type LoggerInterface } from 'vega';
import { compile, type Config, type TopLevelSpec } from 'vega-lite';
// A static import so Nx counts the font package as a runtime dependency of the apps that use this
// library (their generated package.json, hence their Docker images, must install it).
import 'dejavu-fonts-ttf/package.json';

/** The one family every figure uses; the TTFs come from the `dejavu-fonts-ttf` npm package. */
export const CHART_FONT_FAMILY = 'DejaVu Sans';

const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'];

export interface PngOptions {
  /** Pixels per SVG unit (default 2: sharp on high-DPI screens and in Markdown previews). */
  scale?: number;
  /** Page colour behind transparent areas (default white). */
  background?: string;
  /** Font files to use instead of the bundled DejaVu Sans (paths to .ttf/.otf). */
  fontFiles?: string[];
}

export interface RenderedChart {
  svg: string;
  png: Buffer;
}

let bundledFontFiles: string[] | undefined;

/**
 * Paths of the DejaVu Sans TTFs shipped by npm. No system fonts are loaded, so a PNG is the same
 * byte for byte on a dev machine, in CI on a clean Debian and in a slim container.
 */
export function bundledFonts(): string[] {
  if (!bundledFontFiles) {
    // Not `require.resolve`: webpack rewrites it to a module id in the apps' bundles.
    const packageDir = dirname(createRequire(__filename).resolve('dejavu-fonts-ttf/package.json'));
    bundledFontFiles = FONT_FILES.map((file) => join(packageDir, 'ttf', file));
  }
  return bundledFontFiles;
}

/**
 * Characters XML 1.0 forbids (C0 controls but tab/newline/CR, U+FFFE/U+FFFF, lone surrogates). Vega
 * escapes markup but keeps them, and one in an error message (an ANSI colour code, say) would make
 * resvg reject the whole figure.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NON_XML_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Rasterises an SVG with resvg (no canvas, no browser). */
export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  const scale = options.scale ?? 2;
  if (!(scale > 0 && Number.isFinite(scale))) throw new RangeError(`scale must be a positive number, got ${scale}`);
  const renderOptions: ResvgRenderOptions = {
    background: options.background ?? 'white',
    fitTo: { mode: 'zoom', value: scale },
    font: {
      loadSystemFonts: false,
      fontFiles: options.fontFiles ?? bundledFonts(),
      defaultFontFamily: CHART_FONT_FAMILY,
      sansSerifFamily: CHART_FONT_FAMILY,
      serifFamily: CHART_FONT_FAMILY,
      monospaceFamily: CHART_FONT_FAMILY,
    },
  };
  const rendered = new Resvg(svg.replace(NON_XML_CHARACTERS, '\uFFFD'), renderOptions).render();
  return rendered.asPng();
}

/** Look shared by every figure: the bundled font everywhere, white page, no interactive bits. */
export const BASE_CONFIG: Config = {
  font: CHART_FONT_FAMILY,
  background: 'white',
  view: { stroke: '#d0d0d0' },
  title: { fontSize: 16, subtitleFontSize: 12, subtitleColor: '#444', anchor: 'start' },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  header: { labelFontSize: 12, titleFontSize: 12 },
};

/** Figures are built from inline data only: a spec that names a URL or file is refused, never fetched. */
function inlineOnlyLoader(): Loader {
  const refuse = async (uri: string): Promise<never> => {
    throw new Error(`report-charts renders inline data only; refused to load ${JSON.stringify(uri)}`);
  };
  return Object.assign(vegaLoader(), { sanitize: refuse, load: refuse, file: refuse, http: refuse });
}

const describe = (args: readonly unknown[]): string => args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' ');
/** Vega's warnings for data it could not load or parse (it then renders on without that data). */
const DATA_FAILURES = new Set(['Loading failed', 'Data ingestion failed']);

/** Vega reports dataflow failures (such as a refused load) to its logger and renders on: collect them instead. */
function collectingLogger(errors: string[]): LoggerInterface {
  let level = 0;
  const logger = {
    level: (value?: number) => (value === undefined ? level : ((level = value), logger)),
    error: (...args: readonly unknown[]) => (errors.push(describe(args)), logger),
    warn: (...args: readonly unknown[]) => (DATA_FAILURES.has(String(args[0])) && errors.push(describe(args)), logger),
    info: () => logger,
    debug: () => logger,
  };
  return logger as LoggerInterface;
}

/**
 * Compiles a Vega-Lite spec, runs it in a headless Vega view and returns the SVG and its PNG.
 * Rejects when Vega reports an error, instead of returning a silently empty figure.
 */
export async function renderVegaLite(spec: TopLevelSpec, options: PngOptions = {}): Promise<RenderedChart> {
  const { spec: vegaSpec } = compile(spec);
  const errors: string[] = [];
  const view = new View(parse(vegaSpec), { renderer: 'none', loader: inlineOnlyLoader(), logger: collectingLogger(errors) });
  try {
    const svg = await view.toSVG();
    if (errors.length > 0) throw new Error(`Vega could not render the figure: ${errors.join('; ')}`);
    return { svg, png: svgToPng(svg, options) };
  } finally {
    view.finalize();
  }
}
