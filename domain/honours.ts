import type { ModelField } from './models';
import { HONOUR_RECIPIENTS, type HonourForm, type HonourRecipient, type UnitKind } from './vocabulary';

export { HONOUR_FORMS, HONOUR_RECIPIENTS, isHonourForm, type HonourForm, type HonourRecipient } from './vocabulary';

/**
 * Honours ("tôn vinh, khen thưởng"): the level a model is recognized at, commendations of models, collectives and
 * individuals by form and level, and the way a model proposed upward reaches the council one level up. A level is
 * the kind of the unit whose council or commission decides; the commune's is "cấp xã", its district's "cấp huyện".
 */

/** How the reports name a level. */
export const LEVEL_NAMES_VI: Record<UnitKind, string> = {
  national: 'Trung ương',
  province: 'cấp tỉnh',
  district: 'cấp huyện',
  commune: 'cấp xã',
  'party-cell': 'cấp chi bộ',
};

export const HONOUR_FORM_NAMES_VI: Record<HonourForm, string> = {
  'huan-chuong': 'Huân chương',
  'bang-khen': 'Bằng khen',
  'co-thi-dua': 'Cờ thi đua',
  'giay-khen': 'Giấy khen',
  'bieu-duong': 'biểu dương',
};

export const RECIPIENT_NAMES_VI: Record<HonourRecipient, string> = { model: 'mô hình', collective: 'tập thể', individual: 'cá nhân' };

/** Where a model decided by a council came from: the unit below that proposed it and its id there. */
export interface ModelOrigin {
  unitCode: string;
  modelId: string;
}

/** A model a unit proposed to the council one level up, as it travels there. */
export interface UpwardProposal {
  origin: ModelOrigin;
  name: string;
  field: ModelField;
  registeredOn: string;
  score?: number;
}

/** The honours tally of figures: see `progressSchema.honours`. */
export interface HonoursTally {
  recognized: Partial<Record<UnitKind, number>>;
  commended: Partial<Record<HonourForm, Partial<Record<UnitKind, Partial<Record<HonourRecipient, number>>>>>>;
  awaitingDecision: number;
}

export function emptyHonours(): HonoursTally {
  return { recognized: {}, commended: {}, awaitingDecision: 0 };
}

export function countRecognition(into: HonoursTally, level: UnitKind, n = 1): void {
  into.recognized[level] = (into.recognized[level] ?? 0) + n;
}

export function countCommendation(into: HonoursTally, form: HonourForm, level: UnitKind, recipient: HonourRecipient, n = 1): void {
  const byLevel = (into.commended[form] ??= {});
  const byRecipient = (byLevel[level] ??= {});
  byRecipient[recipient] = (byRecipient[recipient] ?? 0) + n;
}

export function addHonours(into: HonoursTally, from: HonoursTally): void {
  for (const [level, n] of Object.entries(from.recognized) as Array<[UnitKind, number]>) countRecognition(into, level, n);
  for (const [form, byLevel] of Object.entries(from.commended) as Array<[HonourForm, HonoursTally['commended'][HonourForm]]>) {
    for (const [level, byRecipient] of Object.entries(byLevel ?? {}) as Array<[UnitKind, Partial<Record<HonourRecipient, number>>]>) {
      for (const recipient of HONOUR_RECIPIENTS) {
        const n = byRecipient[recipient];
        if (n) countCommendation(into, form, level, recipient, n);
      }
    }
  }
  into.awaitingDecision += from.awaitingDecision;
}
