/**
 * Builds the model comparison page from the host's view. DOM built with createElement/textContent only: model
 * output and names never become markup.
 */
import type { CompareView } from '../../src/shared/evalCompareProtocol';

export interface CompareActions {
  saveRecord(): void;
  setRoute(): void;
  cancel(): void;
}

type Child = Node | string | null | undefined | false;

function el<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`);
const usd = (x: number | null) =>
  x === null ? 'unknown' : x === 0 ? '$0.00' : x < 0.01 ? `$${Number(x.toPrecision(2))}` : `$${x.toFixed(4)}`;

// eslint-disable-next-line max-lines-per-function -- builds one page top to bottom (header, matrix, cases, actions) in reading order
export function renderCompare(root: HTMLElement, view: CompareView, actions: CompareActions, notice?: string): void {
  const doc = root.ownerDocument;
  const running = view.progress && view.progress.done < view.progress.total;
  const button = (label: string, id: string, onClick: () => void, primary = false) => {
    const b = el(doc, 'button', { id, class: primary ? 'primary' : '' }, label);
    b.addEventListener('click', onClick);
    return b;
  };

  const header = el(
    doc,
    'header',
    {},
    el(doc, 'h1', {}, `Compare models · ${view.file}`),
    el(doc, 'p', { class: 'meta' }, `Task ${view.task} · ${view.caseCount} cases · quality gate ${pct(view.threshold)} of answers pass`),
  );

  const progress = running
    ? el(
        doc,
        'div',
        { class: 'progress', role: 'status' },
        el(doc, 'progress', { max: String(view.progress!.total), value: String(view.progress!.done) }),
        ` ${view.progress!.done} / ${view.progress!.total} answers `,
        button('Cancel', 'cancel', actions.cancel),
      )
    : null;

  const rec = view.recommendation;
  const recommendation = el(
    doc,
    'section',
    { class: rec.model ? 'recommendation ok' : 'recommendation none', 'aria-live': 'polite' },
    el(doc, 'h2', {}, rec.model ? 'Recommended' : running ? 'Recommendation' : 'No recommendation'),
    rec.model ? el(doc, 'p', { class: 'chosen', id: 'recommended-model' }, rec.model) : null,
    rec.model && rec.fallbacks?.length ? el(doc, 'p', { class: 'meta' }, `Fallback: ${rec.fallbacks.join(', ')}`) : null,
    el(doc, 'p', {}, rec.reason),
    rec.model && !running
      ? el(
          doc,
          'div',
          { class: 'actions' },
          button('Save model-selection record', 'save-record', actions.saveRecord, true),
          button(`Use for task "${view.task}"…`, 'set-route', actions.setRoute),
        )
      : null,
    notice ? el(doc, 'p', { class: 'notice' }, notice) : null,
  );

  const head = el(
    doc,
    'tr',
    {},
    ...['Model', 'Pass rate', 'Mean latency', 'p95 latency', 'Cost / call', 'Cost (run)', 'Errors'].map((h, i) =>
      el(doc, 'th', { scope: 'col', class: i ? 'num' : '' }, h),
    ),
  );
  const body = el(doc, 'tbody');
  for (const m of view.models) {
    body.append(
      el(
        doc,
        'tr',
        { class: [m.recommended ? 'recommended' : '', m.meetsThreshold ? 'meets' : 'below'].join(' ').trim(), 'data-model': m.model },
        el(doc, 'td', {}, m.label, m.recommended ? el(doc, 'span', { class: 'badge' }, 'recommended') : null),
        el(doc, 'td', { class: 'num' }, m.total ? `${pct(m.passRate)} (${m.passed}/${m.total})` : '—'),
        el(doc, 'td', { class: 'num' }, m.total ? ms(m.meanMs) : '—'),
        el(doc, 'td', { class: 'num' }, m.total ? ms(m.p95Ms) : '—'),
        el(doc, 'td', { class: 'num' }, m.total ? usd(m.costPerCallUsd) : '—'),
        el(
          doc,
          'td',
          { class: 'num', title: m.unknownCostCalls ? `${m.unknownCostCalls} calls with unknown price not included` : '' },
          m.total ? `${usd(m.costUsd)}${m.unknownCostCalls ? '+' : ''}` : '—',
        ),
        el(doc, 'td', { class: 'num' }, m.errors ? String(m.errors) : '—'),
      ),
    );
  }
  const matrix = el(
    doc,
    'section',
    {},
    el(doc, 'h2', {}, 'Models'),
    el(doc, 'table', { 'aria-label': 'Models' }, el(doc, 'thead', {}, head), body),
  );

  const caseHead = el(
    doc,
    'tr',
    {},
    el(doc, 'th', { scope: 'col' }, 'Case'),
    ...view.models.map((m) => el(doc, 'th', { scope: 'col', class: 'center' }, m.model)),
  );
  const caseBody = el(doc, 'tbody');
  for (const row of view.cases) {
    caseBody.append(
      el(
        doc,
        'tr',
        {},
        el(doc, 'td', {}, row.description),
        ...view.models.map((m) => {
          const r = row.results[m.model];
          if (!r) return el(doc, 'td', { class: 'center pending' }, '…');
          return el(doc, 'td', { class: r.pass ? 'center pass' : 'center fail', title: r.reason ?? 'passed' }, r.pass ? '✓' : '✗');
        }),
      ),
    );
  }
  const cases = el(
    doc,
    'section',
    {},
    el(doc, 'h2', {}, 'Cases'),
    el(doc, 'table', { 'aria-label': 'Cases' }, el(doc, 'thead', {}, caseHead), caseBody),
  );

  const record = el(doc, 'details', {}, el(doc, 'summary', {}, 'Model-selection record (Markdown)'), el(doc, 'pre', {}, view.record));

  root.replaceChildren(
    header,
    ...(progress ? [progress] : []),
    ...(view.stopped ? [el(doc, 'p', { class: 'notice warn' }, view.stopped)] : []),
    recommendation,
    matrix,
    cases,
    record,
  );
}
