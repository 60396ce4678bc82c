import type { Unit } from '../units';
import { bacGiangTree } from './bac-giang';
import { bacNinh2025Tree } from './bac-ninh-2025';

/** Unit trees shipped with danvan, usable by name wherever a tree is asked for. */
export const SAMPLE_TREES = {
  /** Province → district → commune → chi bộ, as before 7/2025. */
  'bac-giang': bacGiangTree,
  /** Province → commune → chi bộ, as since 7/2025. */
  'bac-ninh-2025': bacNinh2025Tree,
} as const satisfies Record<string, () => Unit[]>;

export type SampleTreeName = keyof typeof SAMPLE_TREES;
export const SAMPLE_TREE_NAMES = Object.keys(SAMPLE_TREES) as [SampleTreeName, ...SampleTreeName[]];
