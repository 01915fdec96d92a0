import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { substitutionKey, type WorkflowTaskName, workflowTasks } from '../functions/catalog.js';

/** The state machines, each one ASL file: the only copy of its flow logic. */
export const workflowFiles = {
  ParticipantLifecycle: fileURLToPath(new URL('./participant-lifecycle.asl.json', import.meta.url)),
} as const;

export function readWorkflow(name: keyof typeof workflowFiles): string {
  return readFileSync(workflowFiles[name], 'utf8');
}

/** Fills `${Key}` placeholders exactly as CDK's `definitionSubstitutions` does, for the local runtime. */
export function substitute(definition: string, values: Record<string, string>): string {
  return definition.replace(/\$\{([A-Za-z0-9]+)\}/g, (placeholder, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`No substitution for ${placeholder}`);
    return value;
  });
}

/** The substitutions a workflow needs: one function ARN per task, by name. */
export function taskSubstitutions(arnOf: (name: WorkflowTaskName) => string): Record<string, string> {
  return Object.fromEntries(
    (Object.keys(workflowTasks) as WorkflowTaskName[]).map((name) => [substitutionKey(name), arnOf(name)]),
  );
}
