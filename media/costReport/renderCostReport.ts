/**
 * Builds the cost report's DOM from the host's data. Everything is created with createElement/textContent:
 * model names and error text come from configuration and providers, so nothing is parsed as HTML.
 */
import {
  formatSpendUsd,
  formatTotals,
  ORIGIN_OURS,
  REPORT_RANGES,
  type CostReportHostMessage,
  type ReportRange,
  type SpendRow,
  type SpendTotals,
} from '../../src/shared/costReportProtocol';
import { formatAxisUsd, layoutBarChart } from './barChartLayout';

const SVG = 'http://www.w3.org/2000/svg';

export interface ReportActions {
  setRange(range: ReportRange): void;
  exportCsv(): void;
  openSettings(): void;
}

type Child = Node | string | null | undefined | false;

function el<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  props: { className?: string; title?: string; attrs?: Record<string, string> } = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.title) node.title = props.title;
  for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, v);
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

function svg(doc: Document, tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const node = doc.createElementNS(SVG, tag) as SVGElement;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

const int = (n: number) => n.toLocaleString('en-US');
const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);

function summaryCard(doc: Document, label: string, totals: SpendTotals): HTMLElement {
  return el(
    doc,
    'div',
    { className: 'card' },
    el(doc, 'div', { className: 'card-label' }, label),
    el(doc, 'div', { className: 'card-value' }, formatTotals(totals)),
    el(
      doc,
      'div',
      { className: 'card-detail' },
      `${int(totals.calls)} calls · ${int(totals.inputTokens)} in / ${int(totals.outputTokens)} out tokens`,
    ),
  );
}

function chart(doc: Document, message: CostReportHostMessage): SVGElement {
  const { days } = message.data;
  const layout = layoutBarChart(
    days.map((d) => ({ label: d.day, value: d.usd })),
    { width: 720, height: 220, limit: message.dailyUsd },
  );
  const root = svg(doc, 'svg', {
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    role: 'img',
    class: 'chart',
    'aria-label': `Spend per day over the last ${days.length} days`,
  });
  for (const tick of layout.ticks) {
    root.append(svg(doc, 'line', { x1: layout.plot.left, x2: layout.plot.right, y1: tick.y, y2: tick.y, class: 'grid' }));
    root.append(
      svg(doc, 'text', { x: layout.plot.left - 6, y: tick.y + 4, class: 'axis', 'text-anchor': 'end' }, formatAxisUsd(tick.value)),
    );
  }
  layout.bars.forEach((bar, i) => {
    const day = days[i];
    const group = svg(doc, 'g', { class: day.unknownPriceCalls > 0 ? 'bar has-unknown' : 'bar', 'data-day': day.day });
    const unknown = day.unknownPriceCalls > 0 ? `, ${day.unknownPriceCalls} with unknown price` : '';
    group.append(svg(doc, 'title', {}, `${day.day}: ${formatTotals(day)} · ${day.calls} calls${unknown}`));
    group.append(svg(doc, 'rect', { x: bar.x, y: bar.y, width: bar.width, height: bar.height }));
    // Calls with unknown price get a marker on the axis: a bar of height 0 must not read as "nothing happened".
    if (day.unknownPriceCalls > 0)
      group.append(svg(doc, 'circle', { cx: bar.x + bar.width / 2, cy: layout.plot.bottom - 3, r: 2.5, class: 'unknown-dot' }));
    root.append(group);
    if (i % layout.labelEvery === 0) {
      root.append(
        svg(doc, 'text', { x: bar.x + bar.width / 2, y: layout.height - 6, class: 'axis', 'text-anchor': 'middle' }, day.day.slice(5)),
      );
    }
  });
  if (layout.limitY !== undefined && message.dailyUsd) {
    root.append(svg(doc, 'line', { x1: layout.plot.left, x2: layout.plot.right, y1: layout.limitY, y2: layout.limitY, class: 'limit' }));
    // Under the line when it runs along the top of the plot, where a label above it would be cut off.
    const labelY = layout.limitY < layout.plot.top + 14 ? layout.limitY + 12 : layout.limitY - 4;
    root.append(
      svg(
        doc,
        'text',
        { x: layout.plot.right, y: labelY, class: 'axis limit-label', 'text-anchor': 'end' },
        `daily budget ${formatSpendUsd(message.dailyUsd)}`,
      ),
    );
  }
  return root;
}

function table(doc: Document, caption: string, keyHeader: string, rows: readonly SpendRow[]): HTMLElement {
  const head = el(
    doc,
    'tr',
    {},
    ...[keyHeader, 'Cost', 'Calls', 'Unknown price', 'Input tok', 'Output tok', 'Mean time', 'Errors'].map((h, i) =>
      el(doc, 'th', { attrs: { scope: 'col', class: i > 0 ? 'num' : '' } }, h),
    ),
  );
  const body = el(doc, 'tbody');
  for (const row of rows) {
    body.append(
      el(
        doc,
        'tr',
        { attrs: { 'data-key': row.key } },
        el(doc, 'td', {}, row.key),
        el(doc, 'td', { className: 'num' }, formatTotals(row)),
        el(doc, 'td', { className: 'num' }, int(row.calls)),
        el(
          doc,
          'td',
          { className: row.unknownPriceCalls > 0 ? 'num warn' : 'num' },
          row.unknownPriceCalls > 0 ? int(row.unknownPriceCalls) : '—',
        ),
        el(doc, 'td', { className: 'num' }, int(row.inputTokens)),
        el(doc, 'td', { className: 'num' }, int(row.outputTokens)),
        el(doc, 'td', { className: 'num' }, ms(row.meanMs)),
        el(doc, 'td', { className: 'num' }, row.errors > 0 ? int(row.errors) : '—'),
      ),
    );
  }
  if (rows.length === 0)
    body.append(el(doc, 'tr', {}, el(doc, 'td', { attrs: { colspan: '8' }, className: 'empty' }, 'No calls in this range.')));
  return el(
    doc,
    'section',
    {},
    el(doc, 'h2', {}, caption),
    el(doc, 'table', { attrs: { 'aria-label': caption } }, el(doc, 'thead', {}, head), body),
  );
}

/** Replaces `root`'s content with the report. */
export function renderCostReport(root: HTMLElement, message: CostReportHostMessage, actions: ReportActions): void {
  const doc = root.ownerDocument;
  const { data } = message;
  const rangeButtons = REPORT_RANGES.map((range) => {
    const button = el(
      doc,
      'button',
      { className: range === message.range ? 'range selected' : 'range', attrs: { 'aria-pressed': String(range === message.range) } },
      `${range} days`,
    );
    button.addEventListener('click', () => actions.setRange(range));
    return button;
  });
  const exportButton = el(doc, 'button', { className: 'primary', attrs: { id: 'export-csv' } }, 'Export CSV…');
  exportButton.addEventListener('click', () => actions.exportCsv());

  const today = data.days[data.days.length - 1];
  const notes: HTMLElement[] = [];
  if (data.total.unknownPriceCalls > 0) {
    notes.push(
      el(
        doc,
        'p',
        { className: 'note warn' },
        `${int(data.total.unknownPriceCalls)} calls had no known price: totals marked + are lower bounds. Add prices in llmWorkbench.models.`,
      ),
    );
  }
  if (data.skippedLines > 0)
    notes.push(el(doc, 'p', { className: 'note warn' }, `${int(data.skippedLines)} unreadable ledger lines were skipped.`));
  let budgetNote: HTMLElement;
  const othersToday = data.todayByOrigin.otherTools;
  if (message.dailyUsd) {
    const others = othersToday.calls > 0 ? ` (LLM Workbench's own calls; other tools ${formatTotals(othersToday)} more)` : '';
    budgetNote = el(
      doc,
      'p',
      { className: 'note' },
      `Daily budget ${formatSpendUsd(message.dailyUsd)}; today ${formatTotals(data.todayByOrigin.ours)}${others}.`,
    );
  } else {
    const link = el(doc, 'a', { attrs: { href: '#' } }, 'set a daily budget');
    link.addEventListener('click', (e) => (e.preventDefault(), actions.openSettings()));
    budgetNote = el(doc, 'p', { className: 'note' }, 'No daily budget: ', link, '.');
  }

  root.replaceChildren(
    el(doc, 'header', {}, el(doc, 'h1', {}, 'LLM spend'), el(doc, 'div', { className: 'toolbar' }, ...rangeButtons, exportButton)),
    el(
      doc,
      'div',
      { className: 'cards' },
      summaryCard(doc, 'Today', today),
      summaryCard(doc, `Last ${data.days.length} days`, data.total),
      summaryCard(doc, 'All time', data.allTime),
    ),
    budgetNote,
    ...notes,
    ...(data.byOrigin.some((row) => row.key !== ORIGIN_OURS) ? [table(doc, 'Ours and other tools', 'Calls made by', data.byOrigin)] : []),
    el(doc, 'section', {}, el(doc, 'h2', {}, 'Spend by day'), chart(doc, message)),
    table(doc, 'By model', 'Model', data.byModel),
    table(doc, 'By task', 'Task', data.byTask),
    table(doc, 'By source', 'Source', data.bySource),
    el(doc, 'footer', {}, `Ledger: ${message.ledgerPath} · updated ${new Date(data.generatedAt).toLocaleString()}`),
  );
}
