import type { ProcessorIdentity } from '../../lib/config/app-config.js';
import type { ChangeNotice } from '../../lib/compliance/change-ledger.js';
import type { InstructionFinding } from '../../lib/compliance/instruction-review.js';

export interface NoticeMessage {
  readonly subject: string;
  readonly body: string;
}

/** The e-mail a controller receives for a change notice (agreement 12.4). */
export function changeNoticeMessage(notice: ChangeNotice, processor: ProcessorIdentity, controllerName: string): NoticeMessage {
  return {
    subject: `Notice of change to the processing, effective ${notice.effectiveFrom} (${notice.id})`,
    body: [
      `To ${controllerName},`,
      '',
      `${processor.name} gives notice under section 12.4 of the processor agreement of the following material change(s) to the processing it carries out on your behalf.`,
      '',
      ...notice.changes.map((change) => `- ${change.description}`),
      '',
      `Effective date: ${notice.effectiveFrom} (at least three months from this notice, ${notice.recordedAt.slice(0, 10)}).`,
      'Until then the processing continues unchanged. You may object before the effective date; your register view (GET /v1/compliance/register) will show the change once it applies.',
      '',
      `Notice ${notice.id}. Questions: ${processor.dpo.name} <${processor.dpo.email}> (data protection officer).`,
    ].join('\n'),
  };
}

/** The e-mail a controller receives when one of its instructions was accepted with a warning (agreement 2.4). */
export function instructionWarningMessage(warning: InstructionFinding, processor: ProcessorIdentity, controllerName: string): NoticeMessage {
  return {
    subject: `Your instruction "${warning.instruction}": accepted with a warning`,
    body: [
      `To ${controllerName},`,
      '',
      `Under section 2.4 of the processor agreement ${processor.name} informs you that your instruction "${warning.instruction}" may not be in line with the agreement or the purpose of the processing:`,
      '',
      warning.reason,
      '',
      'It has been applied on your responsibility; please confirm it or change it.',
      `Questions: ${processor.dpo.name} <${processor.dpo.email}> (data protection officer).`,
    ].join('\n'),
  };
}
