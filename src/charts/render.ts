/**
 * Charts rendered on the server: a Vega-Lite spec compiled to Vega (vega-lite), drawn to SVG by a
 * headless Vega view, rasterised to PNG by resvg (@resvg/resvg-js). No browser, no canvas.
 */
import type * as vl from 'vega-lite';

/** A PNG image with its pixel size. */
export interface Png {
  png: Buffer;
  width: number;
  height: number;
}

/** A bar chart of one series: `{ x, y }` points in order. */
export interface BarChart {
  title: string;
  xTitle: string;
  yTitle: string;
  points: ReadonlyArray<{ x: string; y: number }>;
}

/** The Vega-Lite spec of a bar chart (vega.github.io/vega-lite/docs/bar.html). */
export function barSpec(chart: BarChart, width = 560, height = 260): vl.TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chart.title,
    width,
    height,
    background: 'white',
    data: { values: chart.points.map((p) => ({ ...p })) },
    mark: { type: 'bar', color: '#4c78a8' },
    encoding: {
      x: { field: 'x', type: 'ordinal', title: chart.xTitle, sort: null },
      y: { field: 'y', type: 'quantitative', title: chart.yTitle },
    },
  };
}

/**
 * Renders a Vega-Lite spec to PNG at `scale` × its CSS pixel size (2 = sharp on phones).
 * Vega, Vega-Lite and resvg are loaded on the first chart (a noticeable part of start-up otherwise).
 * @throws Error from vega-lite or resvg for an invalid spec
 */
export async function renderChart(spec: vl.TopLevelSpec, scale = 2): Promise<Png> {
  const [vega, vl, { Resvg }] = await Promise.all([import('vega'), import('vega-lite'), import('@resvg/resvg-js')]);
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const image = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, background: 'white', font: { loadSystemFonts: true } }).render();
  return { png: Buffer.from(image.asPng()), width: image.width, height: image.height };
}
