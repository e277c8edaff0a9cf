import type { ModelCatalog } from './catalog';
import { deprecationState, deprecationText } from './deprecation';

export interface DeprecatedRefMention {
  /** Offset of the reference's first character in the text. */
  offset: number;
  length: number;
  ref: string;
  message: string;
}

/** `"provider:model"` string values in JSON (settings.json, a .code-workspace, the CLI's --config file). */
const QUOTED_REF = /"([A-Za-z0-9_.-]+:[^"\s\\]+)"/g;

/**
 * Model references in a settings text that name a model past or near its deprecation date, with the sentence a
 * Warning at that line shows (date and a successor from the same family). Only texts that configure LLM Workbench
 * are read, and only exact catalog refs (and the user's own additions) count: a string that merely looks like a
 * ref elsewhere is left alone.
 */
export function deprecatedRefsIn(text: string, catalog: ModelCatalog, today: Date = new Date()): DeprecatedRefMention[] {
  if (!text.includes('llmWorkbench.')) return [];
  const mentions: DeprecatedRefMention[] = [];
  for (const match of text.matchAll(QUOTED_REF)) {
    const ref = match[1];
    const model = catalog.lookup(ref);
    if (!model || model.ref !== ref) continue;
    const state = deprecationState(model.deprecation, today);
    if (!state) continue;
    mentions.push({
      offset: match.index! + 1,
      length: ref.length,
      ref,
      message: `${ref} (${model.displayName}) is ${deprecationText(state)}.`,
    });
  }
  return mentions;
}
