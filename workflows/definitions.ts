import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { substitutionKey, type WorkflowTaskName, workflowTasks } from '../functions/catalog.js';

/** The state machines, each one ASL file: the only copy of its flow logic. */
export const workflowFiles = {
  ParticipantLifecycle: fileURLToPath(new URL('./participant-lifecycle.asl.json', import.meta.url)),
  AccreditedYears: fileURLToPath(new URL('./accredited-years.asl.json', import.meta.url)),
  WaitingListInvitations: fileURLToPath(new URL('./waiting-list-invitations.asl.json', import.meta.url)),
} as const;
export type WorkflowName = keyof typeof workflowFiles;

export function readWorkflow(name: WorkflowName): string {
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

/**
 * The substitutions the workflows need: one function ARN per task, by name, and the accredited years'
 * state machine, which the participant lifecycle starts at accreditation.
 */
export function workflowSubstitutions(
  arnOf: (name: WorkflowTaskName) => string,
  accreditedYearsArn: string,
): Record<string, string> {
  return {
    ...Object.fromEntries(
      (Object.keys(workflowTasks) as WorkflowTaskName[]).map((name) => [substitutionKey(name), arnOf(name)]),
    ),
    AccreditedYearsStateMachineArn: accreditedYearsArn,
  };
}

/** The Lambda tasks a workflow invokes: those whose function ARN its ASL names. */
/** Whether the state machine hands over to a new execution of itself (ContinueInNewExecution). */
export const handsOver = (name: WorkflowName) =>
  Object.values(
    JSON.parse(readWorkflow(name)).States as Record<string, { Parameters?: Record<string, unknown> }>,
  ).some((state) => state.Parameters?.['StateMachineArn.$'] === '$$.StateMachine.Id');

export function tasksOf(name: WorkflowName): WorkflowTaskName[] {
  const definition = readWorkflow(name);
  return (Object.keys(workflowTasks) as WorkflowTaskName[]).filter((task) =>
    definition.includes(`\${${substitutionKey(task)}}`),
  );
}
