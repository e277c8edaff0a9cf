import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_EVALUATION_EXPLANATION,
  ATTR_GEN_AI_EVALUATION_NAME,
  ATTR_GEN_AI_EVALUATION_SCORE_LABEL,
  ATTR_GEN_AI_EVALUATION_SCORE_VALUE,
  EVENT_GEN_AI_EVALUATION_RESULT,
  WB,
} from './genAiNames';
import { currentParent, withParent } from './traceScope';

// The shapes read from the eval runner's events, declared here (telemetry does not import the eval engine; the
// runner's own `EvalEvent` and `CaseStart` fit these structurally).

export interface EvalCaseStartLike {
  file: string;
  caseIndex: number;
  description: string;
  provider?: string;
  promptIndex: number;
  repeat: number;
}

interface AssertionLike {
  type: string;
  pass: boolean;
  score: number;
  reason: string;
  skipped?: boolean;
}

export interface EvalResultLike {
  verdict: 'pass' | 'fail' | 'error' | 'skipped';
  score: number;
  reason: string;
  cached: boolean;
  model?: string;
  assertions: readonly AssertionLike[];
  error?: { kind: string; message: string };
}

export type EvalEventLike =
  | { type: 'start'; total: number; files: string[] }
  | { type: 'case-start' }
  | { type: 'result'; result: EvalResultLike }
  | {
      type: 'done';
      summary: {
        total: number;
        passed: number;
        failed: number;
        errors: number;
        skipped: number;
        cancelled: boolean;
        newSpendUsd: number;
        unknownCostCalls: number;
      };
    };

/**
 * One eval run as spans: a parent span for the run, a child per case (the case's model calls nest under it), and
 * each case's verdicts as `gen_ai.evaluation.result` events on the case span — one per assertion, named by its type,
 * with `pass`/`fail` as the label and its score. Explanations (assertion reasons can quote the answer) go out only
 * with content capture on.
 */
export class EvalRunSpans {
  private run: Span | undefined;
  private runContext: Context = ROOT_CONTEXT;
  private readonly cases = new WeakMap<Context, Span>();

  constructor(
    private readonly tracer: Tracer,
    private readonly captureContent: boolean,
  ) {}

  /** Pass as the runner's `onEvent` (or call from it). Never throws. */
  onEvent(event: EvalEventLike): void {
    try {
      if (event.type === 'start') this.startRun(event.files, event.total);
      else if (event.type === 'result') this.caseResult(event.result);
      else if (event.type === 'done') this.endRun(event.summary);
    } catch {
      // Telemetry never fails an eval run.
    }
  }

  /** Pass as the runner's `aroundCase`: the case span is open while the case runs, and its calls nest under it. */
  async aroundCase(start: EvalCaseStartLike, run: () => Promise<void>): Promise<void> {
    let span: Span | undefined;
    let context: Context | undefined;
    try {
      const attributes: Attributes = {
        [WB.caseFile]: start.file,
        [WB.caseIndex]: start.caseIndex,
        [WB.caseDescription]: start.description,
        [WB.casePromptIndex]: start.promptIndex,
        [WB.caseRepeat]: start.repeat,
      };
      if (start.provider) attributes[WB.caseProvider] = start.provider;
      span = this.tracer.startSpan(
        `eval case ${start.description || `#${start.caseIndex + 1}`}`,
        { kind: SpanKind.INTERNAL, attributes },
        this.runContext,
      );
      context = trace.setSpan(this.runContext, span);
      this.cases.set(context, span);
    } catch {
      return run();
    }
    try {
      await withParent(context, run);
    } finally {
      span.end(); // idempotent: a case that reported its result ended it already
    }
  }

  private startRun(files: string[], total: number): void {
    const parent = currentParent();
    this.run = this.tracer.startSpan(
      'eval run',
      { kind: SpanKind.INTERNAL, attributes: { [WB.evalFiles]: files, [WB.evalTotal]: total } },
      parent,
    );
    this.runContext = trace.setSpan(parent, this.run);
  }

  private caseResult(result: EvalResultLike): void {
    const span = this.cases.get(currentParent());
    if (!span) return;
    for (const assertion of result.assertions) {
      if (assertion.skipped) continue;
      const attributes: Attributes = {
        [ATTR_GEN_AI_EVALUATION_NAME]: assertion.type,
        [ATTR_GEN_AI_EVALUATION_SCORE_VALUE]: assertion.score,
        [ATTR_GEN_AI_EVALUATION_SCORE_LABEL]: assertion.pass ? 'pass' : 'fail',
      };
      if (this.captureContent && assertion.reason) attributes[ATTR_GEN_AI_EVALUATION_EXPLANATION] = assertion.reason;
      span.addEvent(EVENT_GEN_AI_EVALUATION_RESULT, attributes);
    }
    span.setAttributes({ [WB.caseVerdict]: result.verdict, [WB.caseScore]: result.score, [WB.caseCached]: result.cached });
    if (result.error) {
      span.setAttribute(ATTR_ERROR_TYPE, result.error.kind);
      span.setStatus({ code: SpanStatusCode.ERROR, message: result.error.message });
    }
    span.end();
  }

  private endRun(summary: Extract<EvalEventLike, { type: 'done' }>['summary']): void {
    if (!this.run) return;
    const attributes: Attributes = {
      [WB.evalPassed]: summary.passed,
      [WB.evalFailed]: summary.failed,
      [WB.evalErrors]: summary.errors,
      [WB.evalSkipped]: summary.skipped,
      [WB.evalCancelled]: summary.cancelled,
      [WB.costKnown]: summary.unknownCostCalls === 0,
    };
    if (summary.unknownCostCalls === 0) attributes[WB.evalSpendUsd] = summary.newSpendUsd;
    this.run.setAttributes(attributes);
    this.run.end();
    this.run = undefined;
  }
}
