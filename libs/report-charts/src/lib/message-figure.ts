import type { TopLevelSpec } from 'vega-lite';
import { BASE_CONFIG } from './render';

/**
 * A figure that only says something (no data to plot). Reports must still get a PNG, and an
 * empty chart would read as "nothing happened" instead of "nothing to show, and why".
 */
export function messageFigureSpec(title: string, subtitle: string[], lines: string[]): TopLevelSpec {
  const rows = lines.length > 0 ? lines : [''];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: BASE_CONFIG,
    title: { text: title, subtitle },
    width: 560,
    height: Math.max(40, rows.length * 20),
    data: { values: rows.map((text, index) => ({ text, index })) },
    mark: { type: 'text', align: 'left', baseline: 'top', fontSize: 13, color: '#222' },
    encoding: {
      x: { value: 8 },
      y: { field: 'index', type: 'ordinal', axis: null },
      text: { field: 'text', type: 'nominal' },
    },
    view: { stroke: null },
  };
}
