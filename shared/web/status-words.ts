/**
 * The words and marks for statuses on the dashboard and the public page, in one place so both say
 * the same. Every colour has a glyph and a word too: a status must read in grey scale, on a washed-out
 * projector and for a colour-blind reader.
 * Pure: no I/O, no AWS.
 */
import type { CompiledColour } from '../domain/status.ts';
import type { TimelineState } from './charts.ts';
import { statusSwatches, type Swatch } from './charts.ts';

export interface StatusWord {
  ja: string;
  en: string;
  glyph: string;
}

/** The traffic-light colours, as words. */
export const colourWords: Record<CompiledColour, StatusWord> = {
  green: { ja: '順調', en: 'on track', glyph: '○' },
  amber: { ja: '注意', en: 'attention', glyph: '△' },
  red: { ja: '遅延', en: 'delayed', glyph: '×' },
  unreported: { ja: '未報告', en: 'not reported', glyph: '－' },
};

/**
 * A 事業 in a quarter it is not in scope (neither スケジュール nor budget that year): not compiled,
 * not counted, not chased (`isInScope`, shared/domain/measure-span.ts). Not a colour: no roll-up
 * counts it.
 */
export const outOfScopeWord: StatusWord = { ja: '期間外', en: 'out of scope', glyph: '／' };

/** Colours in the order charts stack them: good news first. */
export const colourOrder: readonly CompiledColour[] = ['green', 'amber', 'red', 'unreported'];

export function swatchOf(colour: CompiledColour): Swatch {
  return statusSwatches[colour];
}

/** Milestone progress, as words (`unknown` = no report has said). */
export const milestoneWords: Record<TimelineState, StatusWord> = {
  done: { ja: '完了', en: 'done', glyph: '✓' },
  in_progress: { ja: '実施中', en: 'in progress', glyph: '▶' },
  not_started: { ja: '未着手', en: 'not started', glyph: '・' },
  unknown: { ja: '報告なし', en: 'not reported', glyph: '？' },
};

export const overdueWord = { ja: '期限超過', en: 'overdue', glyph: '!' } as const;

/** A timeline chart's words for its bars' states and for overdue, in one language. */
export function timelineStateLabels(lang: 'ja' | 'en'): Record<TimelineState | 'overdue', string> {
  return {
    done: milestoneWords.done[lang],
    in_progress: milestoneWords.in_progress[lang],
    not_started: milestoneWords.not_started[lang],
    unknown: milestoneWords.unknown[lang],
    overdue: overdueWord[lang],
  };
}
