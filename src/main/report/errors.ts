/**
 * ReportError: what can go wrong while building a report or an export, with a code the CLI and the API can branch on
 * and a message that says what happened and what to do. The CLI turns `not_found`, `unwritable` and `invalid` into
 * usage errors (exit 2); the Lab turns them into `bad_request` / `not_found` responses.
 */
export const reportErrorCodes = [
  'not_found', // a run (or one of its artifacts) does not exist
  'unwritable', // the output path cannot be written
  'invalid', // the request cannot be served as asked (e.g. weights of a run that saved none)
  'chromium_missing', // PDF needs a Chromium (or Chrome) and none was found
  'png_unavailable' // the PNG rasterizer could not be loaded on this platform
] as const
export type ReportErrorCode = (typeof reportErrorCodes)[number]

export class ReportError extends Error {
  override readonly name = 'ReportError'
  constructor(
    readonly code: ReportErrorCode,
    message: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
  }
}
