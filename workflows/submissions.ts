import { setHandler } from '@temporalio/workflow';
import { jsonShape } from '../domain/json-shape';
import { applySubmission, checkSubmission, type Submission } from '../domain/ledger';
import { reject } from '../domain/rejection';
import submitUpdateSchema from '../schemas/updates/submit.json';
import type { Clock } from './clock';
import { submitUpdate } from './messages';
import type { Node } from './node';
import { refuse } from './refusals';
import type { Run } from './run';

/** The shape of a submission: the zod schema's, as generated JSON Schema, so that no workflow loads zod (docs/decisions). */
const submissionShape = jsonShape(submitUpdateSchema);

/** The submission as the schema keeps it (unknown properties dropped), or the refusal that names the field and the value. */
function shaped(raw: unknown): Submission {
  const shape = submissionShape(raw);
  if (!shape.ok) refuse(reject('invalid', `${shape.field}: ${shape.message}`, 'Báo cáo không hợp lệ', shape.field, shape.value));
  return shape.value as Submission;
}

/**
 * Every report (study session, dialogue, petition, model step) is a `submit` Update on the workflow that owns
 * the unit. The validator refuses before anything reaches history; the handler checks again (an Update
 * validated beside this one in the same task may have changed the ledger), applies it and emits its events.
 */
export function registerSubmissions(node: Node, run: Run, clock: Clock): void {
  setHandler(
    submitUpdate,
    (raw) => {
      run.accept();
      clock.catchUp();
      const ctx = node.ledgerContext();
      const submission = shaped(raw);
      const check = checkSubmission(node.state.ledger, ctx, submission);
      if (check && 'duplicate' in check) return check.duplicate;
      if (check) refuse(check.rejection);
      const { result, events } = applySubmission(node.state.ledger, ctx, submission);
      for (const event of events) node.emit(event.type, event.unitCode, event.payload as never);
      node.ledgerChanged();
      return result;
    },
    {
      validator: (raw) => {
        run.admit();
        const check = checkSubmission(node.state.ledger, node.ledgerContext(), shaped(raw));
        if (check && 'rejection' in check) refuse(check.rejection);
      },
    },
  );
}
