/**
 * The module `/dashboard/app/domain-names.js`, which api/dashboard-routes.ts generates from domain/ when the API
 * starts (there is no such file here): the Vietnamese names of phases, catalogue activities and their measures,
 * honour levels, forms and recipients, and the obligations of a plan that names none, as domain/ has them.
 */
export declare const PHASE_NAMES: Readonly<Record<string, string>>;
export declare const ACTIVITIES: ReadonlyArray<{ id: string; vi: string; measures: readonly string[] }>;
export declare const MEASURE_NAMES: Readonly<Record<string, string>>;
export declare const LEVEL_NAMES: Readonly<Record<string, string>>;
export declare const HONOUR_FORM_NAMES: Readonly<Record<string, string>>;
export declare const RECIPIENT_NAMES: Readonly<Record<string, string>>;
export declare const DEFAULT_OBLIGATIONS: ReadonlyArray<import('./api-types').Obligation>;
