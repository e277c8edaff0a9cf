import type { WorkbenchConfig } from '../config/workbenchConfig';
import type { ModelRef } from '../models/modelRef';
import type { EvalFile, ProviderSpec } from './evalModel';
import type { EvalDiagnostic } from './sourceRange';

/**
 * A provider entry's `config.temperature` that cannot take effect: the Anthropic SDK we ship (@anthropic-ai/sdk 1.12)
 * has no sampling parameters, so the adapter sends none and Claude answers at its default temperature. Said as a
 * warning at the provider entry rather than dropped silently, because a comparison at "temperature 0" would
 * otherwise not be what it claims.
 */
export function ignoredTemperatureWarnings(
  files: readonly EvalFile[],
  config: WorkbenchConfig,
  refFor: (spec: ProviderSpec) => ModelRef = (spec) => spec.ref,
): EvalDiagnostic[] {
  const kindOf = new Map(config.providers.map((p) => [p.id, p.kind]));
  return files.flatMap((file) =>
    file.providers
      // Eval-file providers send promptfoo's exact body (temperature included); only our own refs go without it.
      .filter((spec) => spec.temperature !== undefined && spec.protocol === undefined)
      .filter((spec) => {
        const ref = refFor(spec);
        const id = ref.slice(0, ref.indexOf(':'));
        // A provider the settings do not list is added with the kind of its well-known id (withEvalProviders).
        return (kindOf.get(id) ?? id) === 'anthropic';
      })
      .map((spec) => ({
        severity: 'warning' as const,
        message:
          `\`config.temperature: ${spec.temperature}\` has no effect on ${spec.label}: the Anthropic SDK this version uses ` +
          'sends no sampling parameters, so Claude answers at its default temperature (remove the setting to silence this)',
        range: spec.location.range,
        file: spec.location.file,
      })),
  );
}
