/**
 * Geometry of the spend-by-day bar chart, separate from the DOM so it is tested in Node.
 * Coordinates are SVG user units; y grows downwards.
 */

export interface BarInput {
  label: string;
  value: number;
}

export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
  label: string;
  value: number;
}

export interface Tick {
  y: number;
  value: number;
}

export interface ChartLayout {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  bars: Bar[];
  ticks: Tick[];
  /** Top of the value axis: a round number at or above every bar and the limit line. */
  max: number;
  /** Y of the limit line (daily budget), when one is given. */
  limitY?: number;
  /** Indexes of the bars whose label is printed (every bar would overlap on 90 days). */
  labelEvery: number;
}

/** The smallest 1/2/2.5/5 × 10^k at or above `value` (so axis labels read $0.05, $0.10, $0.25...). */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const exponent = Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    const candidate = step * 10 ** exponent;
    if (candidate >= value * (1 - 1e-12)) return candidate;
  }
  return 10 ** (exponent + 1);
}

export function layoutBarChart(
  data: readonly BarInput[],
  options: { width: number; height: number; limit?: number; tickCount?: number } = { width: 720, height: 220 },
): ChartLayout {
  const { width, height } = options;
  const plot = { left: 56, top: 10, right: width - 8, bottom: height - 24 };
  const peak = Math.max(0, ...data.map((d) => d.value), options.limit ?? 0);
  const max = niceCeiling(peak);
  const plotHeight = plot.bottom - plot.top;
  const slot = data.length > 0 ? (plot.right - plot.left) / data.length : 0;
  const gap = Math.min(4, slot * 0.2);
  const scale = (v: number) => (Math.max(0, v) / max) * plotHeight;
  const bars = data.map((d, i) => {
    const h = scale(d.value);
    return {
      x: plot.left + i * slot + gap / 2,
      y: plot.bottom - h,
      width: Math.max(1, slot - gap),
      height: h,
      label: d.label,
      value: d.value,
    };
  });
  const tickCount = options.tickCount ?? 4;
  const ticks = Array.from({ length: tickCount + 1 }, (_, i) => ({
    value: (max * i) / tickCount,
    y: plot.bottom - (plotHeight * i) / tickCount,
  }));
  const labelEvery = Math.max(1, Math.ceil(data.length / 10));
  const limitY = options.limit && options.limit > 0 ? plot.bottom - scale(options.limit) : undefined;
  return { width, height, plot, bars, ticks, max, limitY, labelEvery };
}

/** Axis labels keep the digits that tell ticks apart ($0.005, $0.01, $0.015), unlike money rounded to cents. */
export function formatAxisUsd(value: number): string {
  if (value === 0) return '$0';
  return `$${Number(value.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 10 })}`;
}
