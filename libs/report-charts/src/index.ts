export { renderVegaLite, svgToPng, bundledFonts, CHART_FONT_FAMILY, BASE_CONFIG } from './lib/render';
export type { PngOptions, RenderedChart } from './lib/render';
export { renderComparisonChart, comparisonChartSpec, comparisonTitle } from './lib/comparison-chart';
export { renderDriftFigure, driftFigureSpec, histogramShares } from './lib/drift-figure';
export type { DriftFigureMeta } from './lib/drift-figure';
export { messageFigureSpec } from './lib/message-figure';
