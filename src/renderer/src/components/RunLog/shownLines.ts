/** Which lines of a trainer log the card draws (pure, so it is unit-tested): a very long log is cut in the middle. */
import { logTags, tagOfLine } from '../../../../shared/trainerLog'

/** A log longer than this shows its start lines and its last SHOWN_TAIL lines (a run of many thousand epochs). */
export const SHOWN_MAX = 2000
export const SHOWN_TAIL = 1500

/** The lines to draw: all of them, or the start (up to the first epoch) and the tail with a note between. */
export function shownLines(text: string): { lines: string[]; hidden: number; headCount: number } {
  const all = text.replace(/\n$/, '').split('\n')
  if (all.length <= SHOWN_MAX) return { lines: all, hidden: 0, headCount: all.length }
  const firstEpoch = all.findIndex((l) => tagOfLine(l) === logTags.epoch)
  const head = all.slice(0, Math.min(firstEpoch < 0 ? 20 : firstEpoch, SHOWN_MAX - SHOWN_TAIL))
  const tail = all.slice(all.length - SHOWN_TAIL)
  return { lines: [...head, ...tail], hidden: all.length - head.length - tail.length, headCount: head.length }
}
