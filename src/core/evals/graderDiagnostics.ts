import type { ModelRef } from '../models/modelRef';
import { ASSERTION_TYPE_INFO } from './assertionTypes';
import { GRADER_KINDS, resolveGrader } from './assertions/grading/gradingCalls';
import { embeddingModel, PROMPTFOO_DEFAULT_EMBEDDING } from './assertions/grading/graderChoice';
import { noGraderMessage } from './assertions/llmRubric';
import type { AssertionSpec, EvalCase, EvalFile } from './evalModel';
import type { EvalDiagnostic } from './sourceRange';

function* graded(file: EvalFile): Generator<{ test: EvalCase; assertion: AssertionSpec }> {
  const visit = function* (test: EvalCase, a: AssertionSpec): Generator<{ test: EvalCase; assertion: AssertionSpec }> {
    if (a.type === 'assert-set') for (const inner of a.assert ?? []) yield* visit(test, inner);
    else if (ASSERTION_TYPE_INFO[a.type]?.graded) yield { test, assertion: a };
  };
  for (const test of file.tests) for (const a of test.assert) yield* visit(test, a);
}

const key = (a: AssertionSpec) => `${a.location.file}:${a.location.range.start.line}:${a.location.range.start.column}`;

/**
 * Model-graded assertions that have no text grader anywhere (assertion, test, defaultTest, --grader, promptfoo's
 * OpenAI default when OPENAI_API_KEY is set) are errors at their line, saying why promptfoo's default does not apply. Those that will embed with promptfoo's
 * default embedding model (no embedding model named) get a warning saying which model that is.
 */
export function graderDiagnostics(
  file: EvalFile,
  fallback: ModelRef | undefined,
  defaultGrader?: { ref: ModelRef } | { why: string },
): EvalDiagnostic[] {
  const seen = new Set<string>();
  const out: EvalDiagnostic[] = [];
  for (const { test, assertion } of graded(file)) {
    const runtime = { grading: test.grading, testGrader: test.grader, fallbackGrader: fallback, defaultGrader };
    for (const kind of GRADER_KINDS[assertion.type] ?? []) {
      const model = resolveGrader(assertion, runtime, kind);
      const id = `${key(assertion)}:${kind}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const at = { range: assertion.location.range, file: assertion.location.file };
      if (!model && kind === 'text') out.push({ severity: 'error', message: noGraderMessage(defaultGrader), ...at });
      else if (!model)
        out.push({
          severity: 'error',
          message:
            'the grader names no embedding model: add `embedding:` to options.provider (e.g. openai:embedding:text-embedding-3-small)',
          ...at,
        });
      else if (kind === 'embedding' && model.ref === PROMPTFOO_DEFAULT_EMBEDDING && !assertion.grader && !test.grading?.grader) {
        out.push({
          severity: 'warning',
          message: `${assertion.type} embeds with promptfoo's default embedding model, ${PROMPTFOO_DEFAULT_EMBEDDING} (OpenAI): set options.provider.embedding to choose another`,
          ...at,
        });
      } else if (kind === 'embedding' && !embeddingModel(model.ref)) {
        out.push({
          severity: 'error',
          message: `${model.ref} is not an embedding model: name one as provider:embedding:model, e.g. openai:embedding:text-embedding-3-small`,
          ...at,
        });
      }
    }
  }
  return out;
}

/** Every provider:model a file's graders will call (embedding refs as provider:model), for provider set-up. */
export function graderModelRefs(
  file: EvalFile,
  fallback: ModelRef | undefined,
  defaultGrader?: { ref: ModelRef } | { why: string },
): ModelRef[] {
  const refs = new Set<ModelRef>();
  for (const test of file.tests) if (test.grader) refs.add(test.grader);
  for (const { test, assertion } of graded(file)) {
    for (const kind of GRADER_KINDS[assertion.type] ?? []) {
      const model = resolveGrader(
        assertion,
        { grading: test.grading, testGrader: test.grader, fallbackGrader: fallback, defaultGrader },
        kind,
      );
      if (!model) continue;
      const emb = embeddingModel(model.ref);
      refs.add(emb ? `${emb.provider}:${emb.model}` : model.ref);
    }
  }
  return [...refs];
}
