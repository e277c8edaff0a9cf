import type { Check } from '../assertionOutcome';

/** promptfoo's inline `python` value as a script (src/assertions/python.ts): one line is `return <expr>`; more lines are the body of main(). */
export function pythonScript(value: string): string {
  const multiline = value.includes('\n');
  let indent = '    ';
  if (multiline) {
    const m = /^(?!\s*$)\s+/m.exec(value);
    if (m) indent = m[0];
  }
  const body = multiline
    ? value
        .split('\n')
        .map((line) => `${indent}${line}`)
        .join('\n')
    : `    return ${value}`;
  return `import json\n\ndef main(output, context):\n${body}\n`;
}

function withSuffix(reason: string, suffix: string | undefined): string {
  return suffix ? `${reason}\n${suffix}` : reason;
}

/**
 * promptfoo `normalizeScriptResult` for Python: true/false (also as text), a number (pass when > 0, or >= threshold),
 * a dict {pass, score, reason} (snake_case `pass_` accepted; a score below the threshold fails), or its JSON text.
 */
export function pythonResultCheck(result: unknown, negate: boolean, threshold: number | undefined, code: string | undefined): Check {
  const lower = typeof result === 'string' ? result.toLowerCase() : undefined;
  const fromBool = (value: boolean): Check => {
    const pass = value !== negate;
    return {
      pass,
      score: pass ? 1 : 0,
      reason: pass ? 'Assertion passed' : withSuffix(`Python code returned ${value ? 'true' : 'false'}`, code),
    };
  };
  if ((typeof result === 'boolean' && result) || lower === 'true') return fromBool(true);
  if (typeof result === 'boolean' || lower === 'false') return fromBool(false);
  let obj: unknown = result;
  if (typeof result === 'string' && result.startsWith('{')) {
    try {
      obj = JSON.parse(result);
    } catch (error) {
      throw new Error(`Invalid JSON: ${(error as Error).message} when parsing result: ${result}`, { cause: error });
    }
  }
  if (obj !== null && typeof obj === 'object') {
    const r = { ...(obj as Record<string, unknown>) };
    if ('pass_' in r && !('pass' in r)) r.pass = r.pass_;
    if (typeof r.pass !== 'boolean' || typeof r.score !== 'number' || typeof r.reason !== 'string') {
      throw new Error(
        `Python assertion must return a boolean, number, or {pass, score, reason} object. Got instead:\n${JSON.stringify(r, null, 2)}`,
      );
    }
    let rawPass = r.pass;
    let reason = r.reason;
    if (threshold !== undefined && r.score < threshold) {
      rawPass = false;
      const msg = `Python score ${r.score} is less than threshold ${threshold}`;
      reason = reason ? `${msg}: ${reason}` : msg;
    }
    const pass = rawPass !== negate;
    return {
      pass,
      score: r.score,
      reason: pass === rawPass ? reason : pass ? 'Assertion passed' : `Python code returned ${rawPass ? 'true' : 'false'}`,
    };
  }
  const score = Number.parseFloat(String(result));
  if (Number.isNaN(score))
    throw new Error(`Python assertion must return a boolean, number, or {pass, score, reason} object. Instead got:\n${String(result)}`);
  const rawPass = threshold === undefined ? score > 0 : score >= threshold;
  const pass = rawPass !== negate;
  return { pass, score, reason: pass ? 'Assertion passed' : withSuffix(`Python code returned ${rawPass ? 'true' : 'false'}`, code) };
}
